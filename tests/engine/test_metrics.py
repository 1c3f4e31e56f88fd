"""Confusion matrix, RMSE and R², checked against numbers worked out by hand."""

from __future__ import annotations

import math
import warnings

import numpy as np
import pytest

from playground.engine.losses import accuracy
from playground.engine.metrics import (
    BINARY_CLASSES,
    class_labels,
    confusion_matrix,
    predicted_classes,
    r_squared,
    rmse,
    row_fractions,
)


def test_binary_rule_is_accuracys_zero_counts_as_plus_one_nan_as_minus_one() -> None:
    outputs = np.array([0.0, -0.0, 1e-300, -1e-300, np.nan, 0.7, -0.2])
    assert predicted_classes(outputs, BINARY_CLASSES).tolist() == [1, 1, 1, -1, -1, 1, -1]


def test_binary_matrix_by_hand() -> None:
    # true:      +1   +1   +1   −1   −1   −1   −1
    # predicted: +1   −1   +1   −1   +1   −1   −1   (output >= 0 → +1)
    outputs = np.array([[0.9], [-0.1], [0.0], [-0.5], [0.2], [-0.9], [-0.3]])
    labels = np.array([[1.0], [1.0], [1.0], [-1.0], [-1.0], [-1.0], [-1.0]])
    matrix = confusion_matrix(outputs, labels, BINARY_CLASSES)
    # rows true −1, +1; columns predicted −1, +1
    assert matrix.tolist() == [[3, 1], [1, 2]]
    assert matrix.dtype == np.int64
    assert np.trace(matrix) / matrix.sum() == pytest.approx(accuracy(outputs, labels))


def test_row_fractions_by_hand_and_nan_for_an_empty_row() -> None:
    fractions = row_fractions(np.array([[3, 1], [0, 0]]))
    assert fractions[0].tolist() == [0.75, 0.25]
    assert np.isnan(fractions[1]).all()


def test_k_classes_by_argmax_in_the_order_given() -> None:
    classes = [0, 1, 2]
    outputs = np.array([[5, 1, 1], [0, 2, 1], [0, 3, 4], [9, 0, 0], [0, 0, 1]], dtype=float)
    labels = np.array([0, 1, 1, 2, 2])
    # predicted 0, 1, 2, 0, 2
    assert confusion_matrix(outputs, labels, classes).tolist() == [[1, 0, 0], [0, 1, 1], [1, 0, 1]]
    assert confusion_matrix(outputs[:, ::-1], labels[::-1].copy(), [2, 1, 0]).sum() == 5


def test_empty_set_and_bad_labels() -> None:
    assert confusion_matrix(np.empty((0, 1)), np.empty((0, 1)), BINARY_CLASSES).tolist() == [[0, 0], [0, 0]]
    with pytest.raises(ValueError, match="not one of the classes"):
        confusion_matrix(np.array([1.0]), np.array([0.5]), BINARY_CLASSES)
    with pytest.raises(ValueError, match="2 classes, not 3"):
        confusion_matrix(np.array([1.0]), np.array([1.0]), [0, 1, 2])


def test_class_labels_of_each_problem() -> None:
    assert class_labels("classification", 5) == BINARY_CLASSES  # the class count is multiclass's only
    assert class_labels("multiclass", 4) == (0.0, 1.0, 2.0, 3.0)
    assert class_labels("regression", 3) is None


def test_class_indices_as_labels_empty_sets_and_a_class_never_predicted() -> None:
    classes = class_labels("multiclass", 4)
    assert confusion_matrix(np.empty((0, 4)), np.empty(0), classes).tolist() == [[0] * 4] * 4
    probabilities = np.array([[0.7, 0.1, 0.1, 0.1], [0.1, 0.2, 0.6, 0.1], [0.25, 0.25, 0.25, 0.25]])
    # predicted 0, 2 and (a tie: the first largest) 0; true 0, 1, 3
    matrix = confusion_matrix(probabilities, np.array([0.0, 1.0, 3.0]), classes)
    assert matrix.tolist() == [[1, 0, 0, 0], [0, 0, 1, 0], [0, 0, 0, 0], [1, 0, 0, 0]]
    assert np.isnan(row_fractions(matrix)[2]).all()  # class 2 has no points: its row reads "–"


def test_rmse_by_hand() -> None:
    # errors 1, −1, 3, 1 → squares 1, 1, 9, 1 → mean 3 → √3
    outputs = np.array([[2.0], [0.0], [4.0], [1.0]])
    targets = np.array([[1.0], [1.0], [1.0], [0.0]])
    assert rmse(outputs, targets) == pytest.approx(math.sqrt(3))
    assert rmse(targets, targets) == 0.0


def test_r_squared_by_hand() -> None:
    targets = np.array([1.0, 2.0, 3.0, 4.0])  # mean 2.5, SS_tot = 2.25 + 0.25 + 0.25 + 2.25 = 5
    outputs = np.array([1.0, 2.0, 2.0, 5.0])  # SS_res = 0 + 0 + 1 + 1 = 2
    assert r_squared(outputs, targets) == pytest.approx(1 - 2 / 5)
    assert r_squared(targets, targets) == 1.0
    assert r_squared(np.full(4, 2.5), targets) == 0.0  # always the mean: explains nothing
    assert r_squared(-targets, targets) < 0  # worse than the mean


def test_undefined_cases_are_nan_without_a_warning() -> None:
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert math.isnan(r_squared(np.array([1.0, 2.0]), np.array([3.0, 3.0])))  # SS_tot == 0
        assert math.isnan(r_squared(np.array([1.0]), np.array([3.0])))  # one point
        assert math.isnan(r_squared(np.empty(0), np.empty(0)))
        assert math.isnan(rmse(np.empty((0, 1)), np.empty((0, 1))))
        assert math.isnan(rmse(np.array([np.nan]), np.array([1.0])))
        assert rmse(np.array([1e300, 1e300]), np.array([0.0, 0.0])) == math.inf
        assert math.isnan(r_squared(np.array([np.nan, 1.0]), np.array([0.0, 1.0])))
