"""The heatmap grid (every neuron over the plane) and the single-sample chain-rule trace."""

from __future__ import annotations

import warnings

import numpy as np
import pytest

from playground.engine.features import feature_matrix
from playground.engine.grid import GRID_EXTENT, GridEvaluator, grid_axis, node_ranges
from playground.engine.losses import square_loss
from playground.engine.trace import trace_sample
from tests.engine.helpers import random_network, relative_error

FEATURES = ("x1", "x2", "x1_squared", "sin_x2", "x1_x2")


# ---------------------------------------------------------------- grid

@pytest.mark.parametrize(
    ("features", "hidden", "activation", "problem", "res"),
    [
        (("x1", "x2"), (4, 2), "tanh", "classification", 100),
        (FEATURES, (3,), "relu", "regression", 37),
        (("sin_x1",), (), "tanh", "classification", 8),
        (FEATURES, (5, 3, 2), "sigmoid", "regression", 21),
    ],
)
def test_grid_output_shape(features, hidden, activation, problem, res) -> None:
    net = random_network((len(features), *hidden, 1), activation, problem, seed=3)
    maps = GridEvaluator(features, resolution=res).evaluate(net)
    assert maps.shape == (len(features) + sum(hidden) + 1, res, res)
    assert maps.dtype == np.float32
    ranges = node_ranges(net.layer_sizes)
    assert [len(r) for r in ranges] == list(net.layer_sizes)
    assert ranges[-1].stop == maps.shape[0]


def test_grid_axis_spans_the_plane_with_endpoints() -> None:
    axis = grid_axis()
    assert axis.shape == (100,)
    assert axis[0] == -GRID_EXTENT and axis[-1] == GRID_EXTENT
    assert np.all(np.diff(axis) > 0)


def test_feature_rows_are_the_features_at_the_grid_points() -> None:
    res = 23
    evaluator = GridEvaluator(FEATURES, resolution=res)
    net = random_network((len(FEATURES), 3, 1), "tanh", "classification", seed=1)
    maps = evaluator.evaluate(net)
    axis = grid_axis(res)
    for i in range(res):
        for j in range(res):
            expected = feature_matrix(np.array([[axis[j], axis[i]]]), FEATURES)[0]  # x = xs[j], y = ys[i]
            np.testing.assert_allclose(maps[: len(FEATURES), i, j], expected, rtol=1e-6, atol=1e-6)


def test_feature_row_orientation_x_along_columns_y_along_rows_ascending() -> None:
    res = 11
    maps = GridEvaluator(("x1", "x2"), resolution=res).evaluate(
        random_network((2, 1), "tanh", "classification", seed=0)
    )
    axis = grid_axis(res).astype(np.float32)
    x_map, y_map = maps[0], maps[1]
    assert np.array_equal(x_map, np.tile(axis, (res, 1)))  # m[i, j] = xs[j]
    assert np.array_equal(y_map, np.tile(axis[:, None], (1, res)))  # m[i, j] = ys[i]
    assert y_map[0, 0] == -GRID_EXTENT  # row 0 is the bottom edge


@pytest.mark.parametrize(
    ("hidden", "activation", "problem"),
    [((4, 2), "tanh", "classification"), ((6, 3), "relu", "regression"), ((5,), "sigmoid", "regression"),
     ((3, 3), "swish", "classification"), ((), "linear", "regression")],
)
def test_every_node_row_equals_the_forward_pass_at_sample_points(hidden, activation, problem) -> None:
    res = 31
    sizes = (len(FEATURES), *hidden, 1)
    net = random_network(sizes, activation, problem, seed=11)
    maps = GridEvaluator(FEATURES, resolution=res).evaluate(net)
    axis = grid_axis(res)
    rng = np.random.default_rng(5)
    samples = [(0, 0), (0, res - 1), (res - 1, 0), (res - 1, res - 1), (3, 17)]
    samples += [tuple(rng.integers(0, res, 2)) for _ in range(20)]
    ranges = node_ranges(sizes)
    for i, j in samples:
        point = np.array([[axis[j], axis[i]]])  # x = xs[j], y = ys[i]
        inputs = feature_matrix(point, FEATURES)
        forward = net.forward(inputs)
        predicted = net.predict(inputs)[0, 0]
        assert maps[-1, i, j] == pytest.approx(predicted, rel=1e-5, abs=1e-5)
        for layer, rows in enumerate(ranges[1:]):
            np.testing.assert_allclose(maps[rows.start : rows.stop, i, j], forward.a[layer + 1][0],
                                       rtol=1e-5, atol=1e-5)


def test_output_orientation_on_an_asymmetric_network() -> None:
    """Output = x + 2y (no hidden layer, linear): corners pin down which axis is which."""
    from playground.engine.network import Network

    net = Network((2, 1), "linear", "linear", np.array([1.0, 2.0, 0.0]))
    res = 5
    out = GridEvaluator(("x1", "x2"), resolution=res).evaluate(net)[-1]
    e = GRID_EXTENT
    assert out[0, 0] == pytest.approx(-e - 2 * e)  # bottom-left: x = −6, y = −6
    assert out[0, -1] == pytest.approx(e - 2 * e)  # bottom-right: x = 6, y = −6
    assert out[-1, 0] == pytest.approx(-e + 2 * e)  # top-left: x = −6, y = 6
    assert out[-1, -1] == pytest.approx(3 * e)


def test_evaluate_returns_a_fresh_array_and_does_not_touch_the_network() -> None:
    net = random_network((2, 3, 1), "tanh", "classification", seed=2)
    params = net.params.copy()
    evaluator = GridEvaluator(("x1", "x2"), resolution=9)
    first = evaluator.evaluate(net)
    kept = first.copy()
    second = evaluator.evaluate(net)
    assert first is not second
    assert not np.shares_memory(first, second)
    assert np.array_equal(first, kept)
    assert np.array_equal(net.params, params)


def test_grid_refuses_a_network_with_other_inputs() -> None:
    net = random_network((3, 2, 1), "tanh", "classification", seed=2)
    with pytest.raises(ValueError):
        GridEvaluator(("x1", "x2"), resolution=5).evaluate(net)


@pytest.mark.parametrize("bad", [np.nan, np.inf, 1e300])
def test_nan_or_huge_params_give_nan_maps_without_warnings(bad: float) -> None:
    features = ("x1", "x2")
    net = random_network((2, 4, 2, 1), "tanh", "classification", seed=4)
    net.params[:] = bad
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        with np.errstate(all="raise"):
            maps = GridEvaluator(features, resolution=12).evaluate(net)
    assert maps.shape == (2 + 4 + 2 + 1, 12, 12)
    assert np.isfinite(maps[:2]).all()  # the feature rows do not depend on the network
    if np.isnan(bad):
        assert np.isnan(maps[2:]).all()
    else:  # inf − inf somewhere in the first layer: at least some NaN, drawn grey
        assert np.isnan(maps[2:]).any()


def test_nan_params_make_every_neuron_map_nan() -> None:
    net = random_network((len(FEATURES), 3, 3, 1), "relu", "regression", seed=4)
    net.params[0] = np.nan  # one weight into the first hidden neuron
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        maps = GridEvaluator(FEATURES, resolution=10).evaluate(net)
    first_hidden = len(FEATURES)
    assert np.isnan(maps[first_hidden]).all()
    assert not np.isnan(maps[first_hidden + 1]).any()  # its neighbours are unaffected
    # relu(NaN) is NaN and NaN·w propagates: every neuron downstream is NaN.
    assert np.isnan(maps[first_hidden + 3 :]).all()


# ---------------------------------------------------------------- trace

def single_loss(net, features, x, y, label) -> float:
    out = net.predict(feature_matrix(np.array([[x, y]]), features))[0, 0]
    return 0.5 * (out - label) ** 2


TRACE_CASES = [
    ((4, 2), "tanh", "classification", 1.0),
    ((4, 2), "tanh", "classification", -1.0),
    ((5, 3), "sigmoid", "regression", 0.37),
    ((3,), "tanh", "regression", -0.8),
    ((6, 4, 2), "swish", "classification", 1.0),
    ((), "tanh", "classification", -1.0),
]


@pytest.mark.parametrize(("hidden", "activation", "problem", "label"), TRACE_CASES)
def test_trace_output_and_loss_equal_the_forward_pass(hidden, activation, problem, label) -> None:
    net = random_network((len(FEATURES), *hidden, 1), activation, problem, seed=21)
    x, y = 1.3, -2.1
    trace = trace_sample(net, FEATURES, x, y, label)
    inputs = feature_matrix(np.array([[x, y]]), FEATURES)
    forward = net.forward(inputs)
    assert trace.point == (x, y)
    assert trace.label == label
    np.testing.assert_array_equal(trace.inputs, inputs[0])
    assert trace.output == forward.output[0, 0]
    assert trace.loss == pytest.approx(0.5 * (trace.output - label) ** 2, rel=1e-15)
    assert trace.loss == square_loss(forward.output, np.array([[label]]))[0, 0]
    assert len(trace.z) == len(trace.dz) == len(trace.dw) == len(trace.db) == net.n_layers
    assert len(trace.a) == net.n_layers + 1
    for layer in range(net.n_layers):
        np.testing.assert_array_equal(trace.z[layer], forward.z[layer][0])
        np.testing.assert_array_equal(trace.a[layer + 1], forward.a[layer + 1][0])
        n_in, n_out = net.shapes[layer]
        assert trace.dw[layer].shape == (n_in, n_out)
        assert trace.db[layer].shape == (n_out,)
        assert trace.dz[layer].shape == (n_out,)


@pytest.mark.parametrize(("hidden", "activation", "problem", "label"), TRACE_CASES)
def test_trace_derivatives_equal_finite_differences(hidden, activation, problem, label) -> None:
    net = random_network((len(FEATURES), *hidden, 1), activation, problem, seed=22)
    x, y = -0.7, 0.9
    trace = trace_sample(net, FEATURES, x, y, label)
    h = 1e-6
    for layer in range(net.n_layers):
        for target, derivative in ((net.weights[layer], trace.dw[layer]), (net.biases[layer], trace.db[layer])):
            numeric = np.empty(target.shape)
            for index in np.ndindex(target.shape):
                saved = target[index]
                target[index] = saved + h
                up = single_loss(net, FEATURES, x, y, label)
                target[index] = saved - h
                down = single_loss(net, FEATURES, x, y, label)
                target[index] = saved
                numeric[index] = (up - down) / (2 * h)
            # Tiny derivatives are compared absolutely (floor), the rest relatively.
            assert relative_error(derivative, numeric, floor=1e-4).max() < 1e-6, (layer, derivative, numeric)


@pytest.mark.parametrize(("hidden", "activation", "problem", "label"), TRACE_CASES)
def test_trace_output_delta_is_error_times_slope(hidden, activation, problem, label) -> None:
    net = random_network((len(FEATURES), *hidden, 1), activation, problem, seed=23)
    trace = trace_sample(net, FEATURES, 2.2, 0.4, label)
    z = trace.z[-1][0]
    out = trace.output
    slope = 1.0 - np.tanh(z) ** 2 if problem == "classification" else 1.0
    assert trace.dz[-1].shape == (1,)
    assert trace.dz[-1][0] == pytest.approx((out - label) * slope, rel=1e-12)
    np.testing.assert_array_equal(trace.db[-1], trace.dz[-1])
    np.testing.assert_allclose(trace.dw[-1], np.outer(trace.a[-2], trace.dz[-1]), rtol=1e-15)


def test_trace_does_not_change_the_network() -> None:
    net = random_network((len(FEATURES), 3, 1), "tanh", "classification", seed=24)
    params = net.params.copy()
    trace_sample(net, FEATURES, 0.1, 0.2, 1.0)
    assert np.array_equal(net.params, params)


@pytest.mark.parametrize("bad", [np.nan, np.inf])
def test_trace_of_a_diverged_network_gives_no_warnings(bad: float) -> None:
    net = random_network((2, 3, 1), "tanh", "classification", seed=25)
    net.params[:] = bad
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        with np.errstate(all="raise"):
            trace = trace_sample(net, ("x1", "x2"), 1.0, 1.0, 1.0)
    assert np.isnan(trace.dz[0]).all()  # 0 · inf or NaN in the hidden layer
    if np.isnan(bad):
        assert np.isnan(trace.output) and np.isnan(trace.loss)
        assert all(np.isnan(d).all() for d in trace.dw)
