"""The network view redraws only what changed between frames: what it shows after a run of
snapshots is exactly what a fresh view shows for the last one."""

from __future__ import annotations

from itertools import chain

import pytest

from playground.ui.network_view import NetworkView
from tests.ui.conftest import shown_network_view
from tests.ui.snapshot_factory import make_snapshot, make_trace, make_trainer


def shown_view(qtbot) -> NetworkView:
    return shown_network_view(qtbot)


def look(view: NetworkView) -> dict[str, list]:
    """Every edge's pen, every bias square's colour, every thumbnail's pixels and every ring."""
    edges = [(item.pen().color().rgba(), item.pen().widthF(), item.pen().style()) for item in view._edges.items]
    biases = [item.brush().color().rgba() for item in chain.from_iterable(view._biases)]
    neurons = list(chain.from_iterable(view._neurons))
    thumbs = [item.thumb.pixmap().toImage() for item in neurons]
    rings = [item.pen().color().rgba() for item in neurons]
    return {"edges": edges, "biases": biases, "thumbs": thumbs, "rings": rings}


@pytest.mark.parametrize("by_weight", [False, True])
def test_frames_drawn_one_after_another_look_like_the_last_drawn_alone(qtbot, by_weight):
    trainer = make_trainer(epochs=5, hidden=(4, 3), features=("x1", "x2", "x1_squared", "sin_x1"))
    frames = []
    for k in range(6):
        trainer.train(7 if k % 2 else 1)
        trace = make_trace(trainer) if k in (2, 3) else None  # rings coloured, then idle again
        frames.append(make_snapshot(trainer, trace, serial=k + 1))
    live, fresh = shown_view(qtbot), shown_view(qtbot)
    for view in (live, fresh):
        view._colour_toggle.setChecked(by_weight)
    for frame in frames:
        live.show_snapshot(frame)
    fresh.show_snapshot(frames[-1])
    # (the gradient scale is smoothed over frames: compare colours on the same scale)
    fresh._gradient_scale._log = live._gradient_scale._log
    fresh._draw_parameters(frames[-1])
    assert look(live) == look(fresh)


def test_switching_the_colouring_recolours_every_edge_and_bias(qtbot):
    trainer = make_trainer(epochs=30, hidden=(3,))
    snapshot = make_snapshot(trainer)
    view, by_weight_from_the_start = shown_view(qtbot), shown_view(qtbot)
    by_weight_from_the_start._colour_toggle.setChecked(True)
    by_weight_from_the_start.show_snapshot(snapshot)
    view.show_snapshot(snapshot)
    by_gradient = look(view)
    view._colour_toggle.setChecked(True)
    assert look(view) == look(by_weight_from_the_start)
    assert look(view)["edges"] != by_gradient["edges"] and look(view)["biases"] != by_gradient["biases"]
    view._colour_toggle.setChecked(False)
    assert look(view) == by_gradient
