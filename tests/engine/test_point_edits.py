"""Points drawn by hand: every edit's data exactly, label rules, and undo/redo."""

from __future__ import annotations

import numpy as np
import pytest

from playground.engine.config import Config
from playground.engine.data import SplitData
from playground.engine.datasets import DataError
from playground.engine.point_edits import AddPoints, ClearPoints, ErasePoint, PointHistory, check_label, spray

TRAIN = np.array([[0.0, 0.0, 1.0], [1.0, 1.0, -1.0], [2.0, -2.0, 1.0]])
TEST = np.array([[-3.0, 3.0, -1.0]])
DATA = SplitData(TRAIN, TEST)

CLASSIFICATION, REGRESSION = Config(), Config.from_dict({"problem": "regression"})


def test_added_points_are_appended_to_the_training_set_in_order():
    new = AddPoints(np.array([[0.5, 0.5], [4.0, -1.0]]), -1.0).apply(DATA, CLASSIFICATION)
    np.testing.assert_array_equal(new.train, np.vstack([TRAIN, [[0.5, 0.5, -1.0], [4.0, -1.0, -1.0]]]))
    np.testing.assert_array_equal(new.test, TEST)
    np.testing.assert_array_equal(DATA.train, TRAIN)  # the old data is untouched


def test_points_can_go_to_the_test_set():
    new = AddPoints(np.array([[0.5, 0.5]]), 2.5, to_test=True).apply(DATA, REGRESSION)
    np.testing.assert_array_equal(new.test, [[-3.0, 3.0, -1.0], [0.5, 0.5, 2.5]])
    np.testing.assert_array_equal(new.train, TRAIN)


@pytest.mark.parametrize(("label", "problem", "words"), [
    (0.0, "classification", "allowed: -1 or 1"), (2.0, "classification", "allowed: -1 or 1"),
    (float("nan"), "regression", "allowed: a finite number"), (float("inf"), "regression", "finite"),
    (3.0, "multiclass", "allowed: the class indices 0 to 2"), (0.5, "multiclass", "0.5 is not a class"),
    (-1.0, "multiclass", "allowed: the class indices 0 to 2"),
])
def test_labels_outside_the_problems_rule_are_refused(label, problem, words):
    config = Config.from_dict({"problem": problem})  # multiclass: 3 classes by default
    with pytest.raises(DataError, match=words):
        check_label(label, config)
    with pytest.raises(DataError):
        AddPoints(np.array([[0.0, 0.0]]), label).apply(DATA, config)


def test_a_multiclass_point_takes_a_class_index():
    config = Config.from_dict({"problem": "multiclass", "classes": 4})
    new = AddPoints(np.array([[0.5, 0.5]]), 3.0).apply(DATA, config)
    np.testing.assert_array_equal(new.train[-1], [0.5, 0.5, 3.0])


def test_a_point_without_finite_coordinates_is_refused():
    with pytest.raises(DataError, match="finite coordinates"):
        AddPoints(np.array([[np.nan, 0.0]]), 1.0).apply(DATA, CLASSIFICATION)


def test_erase_takes_the_nearest_point_within_the_radius_only():
    new = ErasePoint(1.1, 0.9, 0.3).apply(DATA, CLASSIFICATION)
    np.testing.assert_array_equal(new.train, TRAIN[[0, 2]])
    assert ErasePoint(1.5, 0.5, 0.3).apply(DATA, CLASSIFICATION) is DATA  # nothing near: no change
    from_test = ErasePoint(-3.0, 2.9, 0.3).apply(DATA, CLASSIFICATION)
    assert len(from_test.test) == 0 and len(from_test.train) == 3


def test_clearing_empties_both_sets():
    new = ClearPoints().apply(DATA, CLASSIFICATION)
    assert new.train.shape == (0, 3) and new.test.shape == (0, 3)


def test_spray_scatters_around_the_pointer_and_stays_on_the_plane():
    rng = np.random.default_rng(0)
    xy = spray(1.0, -2.0, 500, rng)
    assert xy.shape == (500, 2)
    np.testing.assert_allclose(xy.mean(axis=0), [1.0, -2.0], atol=0.05)
    edge = spray(5.95, -5.95, 200, np.random.default_rng(1))
    assert np.abs(edge).max() <= 6.0
    np.testing.assert_array_equal(spray(0, 0, 3, np.random.default_rng(7)), spray(0, 0, 3, np.random.default_rng(7)))


def test_undo_and_redo_walk_the_edits_back_and_forth():
    history = PointHistory()
    one = AddPoints(np.array([[0.5, 0.5]]), 1.0).apply(DATA, CLASSIFICATION)
    history.record(DATA)
    two = ErasePoint(0.0, 0.0, 0.1).apply(one, CLASSIFICATION)
    history.record(one)
    assert history.undo(two) is one and history.undo(one) is DATA and history.undo(DATA) is None
    assert history.redo(DATA) is one and history.redo(one) is two and history.redo(two) is None
    history.undo(two)
    history.record(one)  # a new edit after an undo forgets the redo
    assert not history.can_redo and history.can_undo
    history.forget()
    assert not history.can_undo


def test_the_history_keeps_a_bounded_number_of_edits():
    history = PointHistory(limit=3)
    states = [AddPoints(np.array([[k, k]]), 1.0).apply(DATA, CLASSIFICATION) for k in range(5)]
    for state in states:
        history.record(state)
    undone = [history.undo(DATA) for _ in range(4)]
    assert undone[:3] == [states[4], states[3], states[2]] and undone[3] is None
