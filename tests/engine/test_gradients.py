"""Backpropagation against central finite differences of the loss it claims to differentiate.

The objective is the summed loss over a small batch, plus, when a regularization is on,
rate · Σ R(w) over the weights (never the biases) with R taken from ``regularization.REGULARIZERS``.
The loss is the square loss Σ ½(out − y)² for classification and regression, and for multiclass
(K = 3 softmax outputs, one-hot y) the cross-entropy Σ −ln p_label, whose gradient backprop takes
from δ = p − y at the output. Both gradient paths are checked, for every hidden activation and
every regularization: ``backprop.accumulate_gradient`` and the trainer's fast ``kernel.ChunkKernel``.
"""

from __future__ import annotations

import numpy as np
import pytest

from playground.engine.activations import ACTIVATIONS
from playground.engine.backprop import accumulate_gradient, backward
from playground.engine.kernel import ChunkKernel, augmented_inputs
from playground.engine.losses import targets_of
from playground.engine.network import Network
from playground.engine.regularization import REGULARIZERS

from .helpers import random_network, relative_error

H = 1e-6  # finite-difference step
TOLERANCE = 1e-6  # relative error
FLOOR = 1e-8  # denominator floor: |a − b| / max(|a| + |b|, FLOOR)
SIZES = (3, 4, 3, 1)
MULTICLASS_SIZES = (3, 4, 3, 3)  # three classes
N_EXAMPLES = 8
RATE = 0.3  # regularization rate of the regularized objective
KINKS = {"relu": 0.0, "leaky_relu": 0.0, "elu": 0.0}  # where f' (or f'') jumps
ACTIVATION_NAMES = sorted(ACTIVATIONS)
PROBLEMS = ("classification", "regression", "multiclass")
# relu's in-place form passes `out` positionally to np.maximum, which NumPy ≥ 2.4 deprecates;
# the pytest config turns that warning into an error (see test_write_matches_value).


def sizes_of(problem: str) -> tuple[int, ...]:
    return MULTICLASS_SIZES if problem == "multiclass" else SIZES


def make_case(sizes, activation: str, problem: str, seed: int = 0):
    """A random network and a batch of inputs in [-2, 2] kept away from every kink."""
    net = random_network(sizes, activation, problem, seed)
    rng = np.random.default_rng(seed + 1000)
    inputs = rng.uniform(-2.0, 2.0, size=(10 * N_EXAMPLES, sizes[0]))
    n_out = sizes[-1]
    if problem == "multiclass":
        targets = targets_of(rng.integers(0, n_out, size=len(inputs)), problem, n_out)  # one-hot rows
    elif problem == "classification":
        targets = rng.choice([-1.0, 1.0], size=(len(inputs), n_out))
    else:
        targets = rng.uniform(-1.0, 1.0, size=(len(inputs), n_out))
    if activation in KINKS:
        hidden_z = net.forward(inputs).z[:-1]
        keep = np.ones(len(inputs), dtype=bool)
        for z in hidden_z:
            keep &= np.all(np.abs(z - KINKS[activation]) > 1e-4, axis=1)
        inputs, targets = inputs[keep], targets[keep]
    assert len(inputs) >= N_EXAMPLES
    assert np.abs(net.params[net.weight_mask]).min() > 1e-4  # L1 is smooth at every weight
    return net, inputs[:N_EXAMPLES], targets[:N_EXAMPLES]


def outputs(net: Network, params: np.ndarray, inputs: np.ndarray) -> np.ndarray:
    return Network(net.layer_sizes, net.activation.name, net.output_activation.name, params).predict(inputs)


def label_log_probabilities(net: Network, params: np.ndarray, inputs: np.ndarray, targets: np.ndarray) -> np.ndarray:
    """(n,) ln p_label in extended precision (np.longdouble, 64-bit mantissa on x86-64).

    Cross-entropy has no cancellation-free term-by-term difference like the square loss's: a
    small gradient (~1e-6) moves ln p by ~1e-12 for H = 1e-6, which float64 rounding (~1e-16)
    would blur to a relative error of ~1e-4. This forward pass is the test's own: z = a @ W + b
    per layer with the activations' value functions on long doubles, then ln p_c = z_c − ln Σ e^z.
    """
    views = Network(net.layer_sizes, "linear", "linear").views(np.asarray(params, dtype=np.float64))
    a = inputs.astype(np.longdouble)
    for layer in range(net.n_layers):
        z = a @ views.weights[layer].astype(np.longdouble) + views.biases[layer].astype(np.longdouble)
        if layer < net.n_layers - 1:
            a = net.activation.value(z)
    shift = z.max(axis=1, keepdims=True)
    log_sum = np.log(np.exp(z - shift).sum(axis=1)) + shift[:, 0]  # ln Σ_j e^(z_j), stably
    return (z * targets).sum(axis=1) - log_sum  # the one-hot row picks z_label


def numerical_gradient(net: Network, inputs, targets, regularization: str) -> np.ndarray:
    """Central differences [L(p + H·e_k) − L(p − H·e_k)] / 2H of the total objective
    L = Σ ½(out − y)² (multiclass: Σ −ln p_label) + RATE · Σ_weights R(w).

    The difference is taken term by term, which is the same number without the rounding of
    two large sums: per example ½(o⁺ − o⁻)(o⁺ + o⁻ − 2y), or ln p⁻_label − ln p⁺_label for
    cross-entropy (in extended precision, see label_log_probabilities), and for the penalty only the perturbed weight's R(w⁺) − R(w⁻) (every other
    weight's term cancels exactly).
    """
    value = REGULARIZERS[regularization].value
    softmax = net.output_activation.name == "softmax"
    grad = np.empty(net.size)
    for k in range(net.size):
        up, down = net.params.copy(), net.params.copy()
        up[k] += H
        down[k] -= H
        if softmax:  # Σ −ln p⁺ − (−ln p⁻), in extended precision
            diff = float(np.sum(label_log_probabilities(net, down, inputs, targets)
                                - label_log_probabilities(net, up, inputs, targets)))
        else:
            out_up, out_down = outputs(net, up, inputs), outputs(net, down, inputs)
            diff = float(np.sum(0.5 * (out_up - out_down) * (out_up + out_down - 2.0 * targets)))
        if regularization != "none" and net.weight_mask[k]:
            diff += RATE * float(value(up[k : k + 1])[0] - value(down[k : k + 1])[0])
        grad[k] = diff / (2 * H)
    return grad


def regularization_gradient(net: Network, regularization: str) -> np.ndarray:
    if regularization == "none":
        return np.zeros(net.size)
    return RATE * REGULARIZERS[regularization].derivative(net.params) * net.weight_mask


def kernel_gradient(net: Network, inputs, targets) -> np.ndarray:
    grad = np.full(net.size, np.nan)  # the kernel overwrites; it must not read this
    ChunkKernel(net, len(inputs)).gradient_sum(augmented_inputs(inputs), targets.T, net.views(grad).blocks)
    return grad


def assert_close(analytic: np.ndarray, numeric: np.ndarray, floor: float = FLOOR) -> None:
    err = relative_error(analytic, numeric, floor)
    worst = int(np.argmax(err))
    assert err[worst] < TOLERANCE, (
        f"param {worst}: analytic {analytic[worst]!r} vs numeric {numeric[worst]!r} (rel. error {err[worst]:.2e})"
    )


# ---------------------------------------------------------------- whole-network gradients

@pytest.mark.parametrize("problem", PROBLEMS)
@pytest.mark.parametrize("regularization", ["none", "l1", "l2"])
@pytest.mark.parametrize("activation", ACTIVATION_NAMES)
def test_accumulate_gradient_matches_finite_differences(activation, regularization, problem) -> None:
    net, inputs, targets = make_case(sizes_of(problem), activation, problem)
    grad = np.zeros(net.size)
    accumulate_gradient(net, inputs, targets, grad)
    analytic = grad + regularization_gradient(net, regularization)
    assert_close(analytic, numerical_gradient(net, inputs, targets, regularization))


@pytest.mark.parametrize("problem", PROBLEMS)
@pytest.mark.parametrize("regularization", ["none", "l1", "l2"])
@pytest.mark.parametrize("activation", ACTIVATION_NAMES)
def test_chunk_kernel_matches_finite_differences(activation, regularization, problem) -> None:
    net, inputs, targets = make_case(sizes_of(problem), activation, problem)
    analytic = kernel_gradient(net, inputs, targets) + regularization_gradient(net, regularization)
    assert_close(analytic, numerical_gradient(net, inputs, targets, regularization))


@pytest.mark.parametrize("sizes", [(2, 1), (2, 5, 1), (4, 3, 3, 2, 1), (2, 3, 2)])
@pytest.mark.parametrize("activation", ["tanh", "relu", "sigmoid"])
def test_kernel_and_backprop_agree_on_other_shapes(sizes, activation) -> None:
    net, inputs, targets = make_case(sizes, activation, "regression", seed=3)
    slow = np.zeros(net.size)
    accumulate_gradient(net, inputs, targets, slow)
    fast = kernel_gradient(net, inputs, targets)
    np.testing.assert_allclose(fast, slow, rtol=1e-12, atol=1e-14)
    assert_close(slow, numerical_gradient(net, inputs, targets, "none"))


def test_accumulate_gradient_adds_to_the_buffer() -> None:
    net, inputs, targets = make_case(SIZES, "tanh", "regression")
    fresh = np.zeros(net.size)
    accumulate_gradient(net, inputs, targets, fresh)
    buffer = np.ones(net.size)
    accumulate_gradient(net, inputs[:3], targets[:3], buffer)
    accumulate_gradient(net, inputs[3:], targets[3:], buffer)
    np.testing.assert_allclose(buffer, 1.0 + fresh, rtol=1e-12, atol=1e-14)


@pytest.mark.parametrize("problem", ["classification", "multiclass"])
@pytest.mark.parametrize("activation", ACTIVATION_NAMES)
def test_backward_gives_per_example_derivative_wrt_pre_activations(activation, problem) -> None:
    # For one example, dE/dz of a neuron equals dE/d(its bias). A single example's central
    # difference carries rounding ~1e-16·|out|/H ≈ 1e-10 absolute, and some first-layer
    # derivatives here are ~1e-6, so components are compared at absolute scale 1e-4 · 1e-6.
    sizes = sizes_of(problem)
    net, inputs, targets = make_case(sizes, activation, problem, seed=5)
    forward = net.forward(inputs)
    dz = backward(net, forward, targets)
    assert [d.shape for d in dz] == [(N_EXAMPLES, n) for n in sizes[1:]]
    if problem == "multiclass":  # softmax + cross-entropy: δ at the output is p − onehot, exactly
        np.testing.assert_array_equal(dz[-1], forward.output - targets)
    bias_index = net.views(np.arange(net.size)).biases
    for k in (0, N_EXAMPLES - 1):
        x, y = inputs[k : k + 1], targets[k : k + 1]
        numeric = numerical_gradient(net, x, y, "none")
        for layer, d in enumerate(dz):
            assert_close(d[k], numeric[bias_index[layer]], floor=1e-4)


# ---------------------------------------------------------------- regularizers and activations

@pytest.mark.parametrize("name", ["l1", "l2"])
def test_regularizer_derivative_is_the_derivative_of_its_value(name) -> None:
    reg = REGULARIZERS[name]
    w = np.linspace(-3.0, 3.0, 601)
    w = w[np.abs(w) > 1e-4]
    numeric = (reg.value(w + H) - reg.value(w - H)) / (2 * H)
    assert_close(reg.derivative(w), numeric)


def test_regularizer_values() -> None:
    w = np.array([-2.0, -0.5, 0.0, 0.5, 2.0])
    np.testing.assert_array_equal(REGULARIZERS["none"].value(w), 0.0)
    np.testing.assert_array_equal(REGULARIZERS["none"].derivative(w), 0.0)
    np.testing.assert_array_equal(REGULARIZERS["l1"].value(w), [2.0, 0.5, 0.0, 0.5, 2.0])
    np.testing.assert_array_equal(REGULARIZERS["l1"].derivative(w), [-1.0, -1.0, 0.0, 1.0, 1.0])  # 0 at 0
    np.testing.assert_array_equal(REGULARIZERS["l2"].value(w), [2.0, 0.125, 0.0, 0.125, 2.0])
    np.testing.assert_array_equal(REGULARIZERS["l2"].derivative(w), w)


def _grid(name: str) -> np.ndarray:
    z = np.linspace(-4.0, 4.0, 801)
    return z[np.abs(z - KINKS[name]) > 1e-4] if name in KINKS else z


@pytest.mark.parametrize("name", ACTIVATION_NAMES)
def test_activation_derivative_matches_finite_differences(name) -> None:
    act = ACTIVATIONS[name]
    z = _grid(name)
    numeric = (act.value(z + H) - act.value(z - H)) / (2 * H)
    assert_close(act.derivative(z, act.value(z)), numeric)


@pytest.mark.parametrize("name", ACTIVATION_NAMES)
def test_write_matches_value(name) -> None:
    # The kernel's in-place form must give f(z) exactly, with no warning.
    act = ACTIVATIONS[name]
    z = _grid(name)[None, :]  # (1, n), like a kernel row
    out = np.empty_like(z)
    act.write(z, out)
    np.testing.assert_array_equal(out, act.value(z))

