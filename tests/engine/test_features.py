from __future__ import annotations

import math

import numpy as np
import pytest

from playground.engine.features import FEATURE_LABELS, FEATURE_NAMES, feature_matrix

XY = np.array([[0.0, 0.0], [1.0, -2.0], [-3.5, 0.5], [math.pi / 2, 4.0]])  # (4, 2)


def test_names_and_labels_cover_the_seven_playground_features() -> None:
    assert FEATURE_NAMES == (
        "x1", "x2", "x1_squared", "x2_squared", "x1_x2", "sin_x1", "sin_x2"
    )
    assert set(FEATURE_LABELS) == set(FEATURE_NAMES)
    assert FEATURE_LABELS["x1"] == "X₁"
    assert FEATURE_LABELS["x1_squared"] == "X₁²"
    assert len(set(FEATURE_LABELS.values())) == 7


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("x1", lambda x1, x2: x1),
        ("x2", lambda x1, x2: x2),
        ("x1_squared", lambda x1, x2: x1**2),
        ("x2_squared", lambda x1, x2: x2**2),
        ("x1_x2", lambda x1, x2: x1 * x2),
        ("sin_x1", lambda x1, x2: math.sin(x1)),
        ("sin_x2", lambda x1, x2: math.sin(x2)),
    ],
)
def test_each_feature_matches_its_formula(name: str, expected) -> None:
    column = feature_matrix(XY, [name])
    assert column.shape == (4, 1)
    want = [expected(x1, x2) for x1, x2 in XY]
    np.testing.assert_allclose(column[:, 0], want, rtol=1e-15, atol=1e-15)


def test_columns_follow_the_order_of_names() -> None:
    matrix = feature_matrix(XY, ["sin_x2", "x1", "x1_x2", "x1"])
    assert matrix.shape == (4, 4)
    assert matrix.dtype == np.float64
    np.testing.assert_array_equal(matrix[:, 1], XY[:, 0])
    np.testing.assert_array_equal(matrix[:, 3], XY[:, 0])
    np.testing.assert_array_equal(matrix[:, 2], XY[:, 0] * XY[:, 1])
    np.testing.assert_allclose(matrix[:, 0], np.sin(XY[:, 1]))


def test_all_features_at_once_and_integer_input_becomes_float() -> None:
    matrix = feature_matrix(np.array([[2, 3]]), FEATURE_NAMES)
    assert matrix.dtype == np.float64
    np.testing.assert_allclose(
        matrix[0], [2, 3, 4, 9, 6, math.sin(2), math.sin(3)], rtol=1e-15
    )


def test_no_features_gives_an_empty_matrix_per_point() -> None:
    assert feature_matrix(XY, []).shape == (4, 0)


def test_unknown_feature_is_named_with_the_allowed_ones() -> None:
    with pytest.raises(ValueError) as info:
        feature_matrix(XY, ["x1", "x3"])
    message = str(info.value)
    assert "'x3'" in message
    for name in FEATURE_NAMES:
        assert name in message


def test_a_single_string_is_not_taken_for_a_list_of_names() -> None:
    with pytest.raises(TypeError):
        feature_matrix(XY, "x1")


@pytest.mark.parametrize("shape", [(4,), (4, 3), (2, 2, 2)])
def test_points_must_be_n_by_2(shape: tuple[int, ...]) -> None:
    with pytest.raises(ValueError, match=r"\(n, 2\)"):
        feature_matrix(np.zeros(shape), ["x1"])


def test_large_input_is_computed_vectorised() -> None:
    rng = np.random.default_rng(3)
    xy = rng.uniform(-6, 6, (100_000, 2))
    matrix = feature_matrix(xy, FEATURE_NAMES)
    np.testing.assert_array_equal(matrix[:, 4], xy[:, 0] * xy[:, 1])
    np.testing.assert_array_equal(matrix[:, 3], xy[:, 1] * xy[:, 1])
