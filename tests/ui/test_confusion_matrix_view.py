"""What is wrong, not only how much: the snapshot's outputs, the confusion tab, hovering a cell
rings its points on the plane, and RMSE/R² for a regression."""

from __future__ import annotations

import dataclasses

import numpy as np
import pytest
from PySide6.QtCore import QPoint

from playground.engine.features import feature_matrix
from playground.engine.metrics import BINARY_CLASSES, class_labels, confusion_matrix, r_squared, rmse, row_fractions
from playground.engine.trainer import measure
from playground.ui.colors import CLASS_COLORS
from playground.ui.confusion_matrix_view import ConfusionMatrixView
from playground.ui.output_panel import CONFUSION_TAB, LOSS_TAB, OutputPanel, format_number
from tests.ui.snapshot_factory import make_snapshot, make_trainer


def classification_snapshot(epochs: int = 3):
    # A few epochs of xor: both kinds of mistakes on both sets.
    return make_snapshot(make_trainer(epochs, dataset="xor", hidden=(2,), learning_rate=0.01))


def test_snapshot_outputs_are_the_trainers_predictions() -> None:
    for config in ({"dataset": "xor"}, {"problem": "regression", "dataset": "plane"}):
        trainer = make_trainer(5, **config)
        snapshot = make_snapshot(trainer)
        for points, outputs in ((trainer.data.train, snapshot.train_outputs), (trainer.data.test, snapshot.test_outputs)):
            expected = trainer.network.predict(feature_matrix(points[:, :2], trainer.config.features))[:, 0]
            assert outputs.dtype == np.float64 and outputs.shape == (len(points),)
            assert np.array_equal(outputs, expected)
        # the numbers the losses and accuracies of the history row were measured with (to the last
        # bits only: the compiled kernel measures the row with its own forward pass, in C)
        outputs = np.concatenate([snapshot.train_outputs, snapshot.test_outputs])[:, None]
        labels = np.concatenate([snapshot.train_points, snapshot.test_points])[:, 2:]
        row = measure(outputs, labels, len(snapshot.train_points), trainer.config.problem)
        assert row[:2] == pytest.approx((snapshot.train_loss, snapshot.test_loss), rel=1e-12, abs=0)
        assert np.array_equal(row[2:], (snapshot.train_accuracy, snapshot.test_accuracy), equal_nan=True)
        # fresh copies: training on does not change the snapshot
        before = snapshot.train_outputs.copy()
        trainer.train(1)
        assert np.array_equal(snapshot.train_outputs, before)


def test_cells_are_the_snapshots_confusion_matrices(qtbot) -> None:
    view = ConfusionMatrixView()
    qtbot.addWidget(view)
    snapshot = classification_snapshot()
    view.show_snapshot(snapshot)
    for name, points, outputs in (
        ("train", snapshot.train_points, snapshot.train_outputs),
        ("test", snapshot.test_points, snapshot.test_outputs),
    ):
        expected = confusion_matrix(outputs, points[:, 2], BINARY_CLASSES)
        assert np.array_equal(view.matrices[name], expected)
        assert expected.sum() == len(points)
        assert np.trace(expected) / len(points) == pytest.approx(getattr(snapshot, f"{name}_accuracy"))
        for i, true_class in enumerate(BINARY_CLASSES):
            for j, predicted in enumerate(BINARY_CLASSES):
                cell = view.cell_points(name, true_class, predicted)
                assert len(cell) == expected[i, j]
                rows = points[points[:, 2] == true_class]
                assert len(cell) / len(rows) == pytest.approx(row_fractions(expected)[i, j])
    assert (view.matrices["train"] - np.diag(np.diag(view.matrices["train"]))).sum() > 0  # some mistakes


def test_cell_points_are_the_points_with_that_label_and_prediction(qtbot) -> None:
    view = ConfusionMatrixView()
    qtbot.addWidget(view)
    snapshot = classification_snapshot()
    view.show_snapshot(snapshot)
    points, outputs = snapshot.train_points, snapshot.train_outputs
    wrong = (points[:, 2] == -1) & (outputs >= 0)  # true −1, predicted +1
    assert np.array_equal(view.cell_points("train", -1, 1), points[wrong, :2])


def test_hovering_a_cell_rings_exactly_its_points(panel: OutputPanel, qtbot) -> None:
    snapshot = classification_snapshot()
    panel.show_snapshot(snapshot)
    panel.chart_tabs.setCurrentIndex(CONFUSION_TAB)
    view, plot = panel.confusion_view, panel.boundary_plot
    qtbot.waitUntil(lambda: view.isVisible() and view.grids["test"].width() > 100)
    grid = view.grids["test"]
    centre = grid.cell_rect(1, 0).center()  # true +1, predicted −1
    qtbot.mouseMove(grid, QPoint(round(centre.x()), round(centre.y())))
    qtbot.waitUntil(lambda: view.hovered_cell == ("test", 1, 0))
    expected = view.cell_points("test", 1, -1)
    assert len(expected) == view.matrices["test"][1, 0] > 0
    assert np.array_equal(plot.highlighted_points, expected)
    m = len(expected)
    data = plot.highlight_rings.data
    assert len(data) == 2 * m  # an outer and an inner ring per point
    assert np.array_equal(data["x"][:m], expected[:, 0]) and np.array_equal(data["x"][m:], expected[:, 0])
    assert np.array_equal(data["y"][:m], expected[:, 1]) and np.array_equal(data["y"][m:], expected[:, 1])
    # another cell, then leaving the tab clears the rings
    view.hover_cell(("train", 0, 0))
    assert np.array_equal(plot.highlighted_points, view.cell_points("train", -1, -1))
    panel.chart_tabs.setCurrentIndex(LOSS_TAB)
    assert view.hovered_cell is None
    assert len(plot.highlight_rings.data) == 0 and plot.highlighted_points.shape == (0, 2)


def test_a_hovered_cell_follows_the_learning(panel: OutputPanel, qtbot) -> None:
    trainer = make_trainer(3, dataset="xor", hidden=(2,), learning_rate=0.01)
    panel.show_snapshot(make_snapshot(trainer))
    panel.confusion_view.hover_cell(("train", 1, 1))
    trainer.train(30)
    panel.show_snapshot(make_snapshot(trainer, serial=2))
    assert np.array_equal(panel.boundary_plot.highlighted_points, panel.confusion_view.cell_points("train", 1, 1))
    assert len(panel.boundary_plot.highlighted_points) == panel.confusion_view.matrices["train"][1, 1]


def test_regression_shows_rmse_and_r_squared_and_no_confusion_tab(panel: OutputPanel) -> None:
    panel.chart_tabs.setCurrentIndex(CONFUSION_TAB)
    snapshot = make_snapshot(make_trainer(5, problem="regression", dataset="plane"))
    panel.show_snapshot(snapshot)
    label = panel.regression_metrics_label
    assert label.isVisible() and not panel.accuracy_label.isVisible()
    assert not panel.chart_tabs.isTabVisible(CONFUSION_TAB)
    assert panel.chart_tabs.currentIndex() != CONFUSION_TAB
    train, test = snapshot.train_points[:, 2], snapshot.test_points[:, 2]
    figures = (
        rmse(snapshot.train_outputs, train),
        rmse(snapshot.test_outputs, test),
        r_squared(snapshot.train_outputs, train),
        r_squared(snapshot.test_outputs, test),
    )
    a, b, c, d = (format_number(v) for v in figures)
    assert label.text() == f"RMSE: train {a} · test {b}    R²: train {c} · test {d}"
    # back to classes: the tab returns, the line goes
    panel.show_snapshot(classification_snapshot())
    assert panel.chart_tabs.isTabVisible(CONFUSION_TAB)
    assert not label.isVisible() and panel.accuracy_label.isVisible()


def test_constant_labels_give_a_dash_for_r_squared(panel: OutputPanel) -> None:
    snapshot = make_snapshot(make_trainer(1, problem="regression", dataset="plane"))
    flat = snapshot.test_points.copy()
    flat[:, 2] = 0.5
    panel.show_snapshot(dataclasses.replace(snapshot, test_points=flat))
    assert panel.regression_metrics_label.text().endswith("· test –")


def test_a_label_of_no_class_is_left_out_not_an_error(qtbot) -> None:
    view = ConfusionMatrixView()
    qtbot.addWidget(view)
    snapshot = classification_snapshot()
    odd = snapshot.train_points.copy()
    odd[0, 2] = 0.5
    view.show_snapshot(dataclasses.replace(snapshot, train_points=odd))
    assert view.matrices["train"].sum() == len(odd) - 1


def multiclass_snapshot(classes: int = 4):
    # A few epochs of a K-arm spiral: many mistakes, in many cells.
    return make_snapshot(make_trainer(20, problem="multiclass", classes=classes, dataset="spiral", hidden=(4,)))


def test_multiclass_cells_are_k_by_k_with_the_class_indices_in_their_colours(qtbot) -> None:
    view = ConfusionMatrixView()
    qtbot.addWidget(view)
    snapshot = multiclass_snapshot()
    view.show_snapshot(snapshot)
    assert [(s.label, s.name, s.color) for s in view.styles] == [(float(k), str(k), CLASS_COLORS[k]) for k in range(4)]
    classes = class_labels("multiclass", 4)
    for name, points, outputs in (
        ("train", snapshot.train_points, snapshot.train_outputs),
        ("test", snapshot.test_points, snapshot.test_outputs),
    ):
        assert outputs.shape == (len(points), 4)
        expected = confusion_matrix(outputs, points[:, 2], classes)
        assert view.matrices[name].shape == (4, 4) and np.array_equal(view.matrices[name], expected)
        assert np.trace(expected) / len(points) == pytest.approx(getattr(snapshot, f"{name}_accuracy"))
        predicted = np.argmax(outputs, axis=1)
        for i in range(4):
            for j in range(4):
                chosen = (points[:, 2] == i) & (predicted == j)
                assert np.array_equal(view.cell_points(name, float(i), float(j)), points[chosen, :2])
    off_diagonal = view.matrices["train"] - np.diag(np.diag(view.matrices["train"]))
    assert (off_diagonal > 0).sum() >= 2  # mistakes in more than one cell


def test_hovering_a_multiclass_cell_rings_its_points_and_tells_its_figures(panel: OutputPanel, qtbot) -> None:
    snapshot = multiclass_snapshot()
    panel.show_snapshot(snapshot)
    assert panel.chart_tabs.isTabVisible(CONFUSION_TAB)
    panel.chart_tabs.setCurrentIndex(CONFUSION_TAB)
    view, plot = panel.confusion_view, panel.boundary_plot
    qtbot.waitUntil(lambda: view.isVisible() and view.grids["train"].width() > 100)
    counts = view.matrices["train"]
    i, j = max(((i, j) for i in range(4) for j in range(4) if i != j), key=lambda cell: counts[cell])  # a mistake
    grid = view.grids["train"]
    centre = grid.cell_rect(i, j).center()
    qtbot.mouseMove(grid, QPoint(round(centre.x()), round(centre.y())))
    qtbot.waitUntil(lambda: view.hovered_cell == ("train", i, j))
    expected = view.cell_points("train", float(i), float(j))
    assert len(expected) == counts[i, j] > 0
    assert np.array_equal(plot.highlighted_points, expected)
    share = 100 * counts[i, j] / counts[i].sum()
    assert grid.toolTip() == (f"Training: {counts[i, j]} point{'s' if counts[i, j] != 1 else ''} of class {i} "
                              f"predicted {j} ({share:.0f} % of class {i})")


@pytest.mark.parametrize("problem", ["classification", "multiclass"])
def test_an_empty_set_has_an_empty_matrix_and_rings_nothing(qtbot, problem: str) -> None:
    view = ConfusionMatrixView()
    qtbot.addWidget(view)
    view.resize(440, 140)
    view.show()
    snapshot = classification_snapshot() if problem == "classification" else multiclass_snapshot(3)
    k = 2 if problem == "classification" else 3
    empty = dataclasses.replace(snapshot, test_points=np.empty((0, 3)), test_outputs=snapshot.test_outputs[:0])
    view.show_snapshot(empty)
    assert view.matrices["test"].tolist() == [[0] * k] * k
    assert view.matrices["train"].sum() == len(snapshot.train_points)
    with qtbot.waitSignal(view.cell_hovered) as hovered:
        view.hover_cell(("test", 0, k - 1))
    assert hovered.args[0].shape == (0, 2)
    assert view.cell_tip("test", 0, 0).startswith("Test: 0 points of class") and view.cell_tip("test", 0, 0).endswith("(– of class " + view.styles[0].name + ")")
    assert not view.grids["test"].grab().isNull()  # paints ("Test: no points") without an error
