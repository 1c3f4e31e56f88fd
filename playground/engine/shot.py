"""One shot explained: a sample (or its mini-batch) fired through a frozen copy of the network,
its error blamed back to every parameter, and the optimizer's correction, with every number real.

The gunner's story the inspector tells: **aim** (the weights now), **fire** (the forward pass),
**miss** (the error at the output), **blame** (δ = ∂E/∂z sent back, last layer first, and
∂E/∂w = a_in · δ_out for every weight), **correct** (the optimizer's step), **fire again** (the
same samples through the corrected network).

For m samples with inputs (m, k) and labels t (m,), each sample's loss is E_s = ½(out_s − t_s)²
(multiclass: E_s = −ln p_s,label under softmax, so δ at the output is p − onehot) and the shot's loss is their mean E = (1/m) Σ_s E_s, so ∂E/∂param is the mean of the per-sample
gradients: the gradient the optimizer uses for a mini-batch. Every number comes from the engine's
own code: ``Network.forward``, ``backprop.backward`` and, for the step, ``Trainer.apply_examples``
on a copy of the trainer (so "Apply this shot" in the worker makes exactly the step shown).
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from playground.engine.backprop import backward
from playground.engine.features import feature_matrix
from playground.engine.history import HISTORY_COLUMNS
from playground.engine.losses import example_losses, targets_of
from playground.engine.network import Network
from playground.engine.trainer import Trainer, config_targets, output_activation
from playground.engine.trainer_state import TrainerState


@dataclass(frozen=True, eq=False)
class ShotStep:
    """The correction: the network after one update from the shot's mean gradient."""

    optimizer: str  # the config's name: sgd, momentum, adam
    learning_rate: float
    regularization: str  # none, l1, l2
    regularization_rate: float
    params_before: np.ndarray  # (n_params,) flat, laid out like Network.params
    params_after: np.ndarray  # (n_params,)
    optimizer_before: Mapping[str, Any]  # the optimizer's state: {}, velocity, or t m v
    optimizer_after: Mapping[str, Any]
    dead_after: np.ndarray  # (n_params,) bool: weights L1 has killed after the step
    outputs_after: np.ndarray  # (m,) the same samples fired again; multiclass (m, K) probabilities
    losses_after: np.ndarray  # (m,) E_s after the step
    state_after: TrainerState  # the whole trainer after the step (its history is not kept)

    @property
    def change(self) -> np.ndarray:
        """(n_params,) params_after − params_before: what the correction did to each parameter."""
        return self.params_after - self.params_before

    @property
    def loss_after(self) -> float:
        return float(np.mean(self.losses_after))


@dataclass(frozen=True, eq=False)
class Shot:
    """m samples traced forwards and backwards. Layer l is weight layer l (features → first
    hidden layer is 0, the output layer is the last); per-sample arrays have m rows."""

    indices: np.ndarray  # (m,) rows of the training set; −1 for a point given by hand
    points: np.ndarray  # (m, 3) x, y, label
    layer_sizes: tuple[int, ...]  # (n_features, *hidden, n_outputs)
    weights: list[np.ndarray]  # weights[l]: (n_in, n_out) the aim: the weights fired with
    biases: list[np.ndarray]  # biases[l]: (n_out,)
    z: list[np.ndarray]  # z[l]: (m, n_out) pre-activations
    a: list[np.ndarray]  # a[0]: (m, n_features) inputs; a[l + 1] = f(z[l]): (m, n_out)
    slopes: list[np.ndarray]  # slopes[l] = f′(z[l]): (m, n_out)
    delta: list[np.ndarray]  # delta[l] = ∂E_s/∂z[l] per sample: (m, n_out)
    weight_gradients: list[np.ndarray]  # ∂E/∂W[l], the mean over the samples: (n_in, n_out); the
    # optimizer steps by it, except on weights L1 has killed (``dead``), which stay at 0
    bias_gradients: list[np.ndarray]  # ∂E/∂b[l] = mean of delta[l]: (n_out,)
    dead: np.ndarray  # (n_params,) bool: weights L1 had killed before the shot
    outputs: np.ndarray  # (m,) the network's output per sample; multiclass (m, K) probabilities
    losses: np.ndarray  # (m,) E_s = ½(out − t)², or −ln p_label
    step: ShotStep

    @property
    def m(self) -> int:
        return len(self.points)

    @property
    def labels(self) -> np.ndarray:
        return self.points[:, 2]

    @property
    def loss(self) -> float:
        """E: the mean of the samples' losses."""
        return float(np.mean(self.losses))

    @property
    def n_layers(self) -> int:
        return len(self.weights)

    @property
    def problem(self) -> str:
        """The config's problem: classification, regression or multiclass."""
        return self.step.state_after.config.problem

    @property
    def multiclass(self) -> bool:
        """K softmax outputs under cross-entropy: ``outputs`` is (m, K) and δ at the output p − y."""
        return self.problem == "multiclass"

    @property
    def classes(self) -> np.ndarray:
        """(m,) int: each sample's class index (multiclass only; the label as a whole number)."""
        return self.labels.astype(np.int64)

    @property
    def targets(self) -> np.ndarray:
        """(m, n_outputs) what the output is compared with: the label t, or the one-hot row y."""
        return targets_of(self.labels, self.problem, self.layer_sizes[-1])

    def label_output(self, sample: int) -> float:
        """The output the loss reads for one sample: out, or p of the label's class (multiclass)."""
        if self.multiclass:
            return float(self.outputs[sample, self.classes[sample]])
        return float(self.outputs[sample])

    def label_output_after(self, sample: int) -> float:
        """``label_output`` through the corrected network (fire again)."""
        after = self.step.outputs_after
        return float(after[sample, self.classes[sample]] if self.multiclass else after[sample])

    def sample_weight_gradient(self, layer: int, sample: int) -> np.ndarray:
        """∂E_s/∂W[l] of one sample: outer(a[l]_s, delta[l]_s), (n_in, n_out). Made on demand: all
        m of them at once would be m × n_params numbers (gigabytes for a large network's batch)."""
        with np.errstate(all="ignore"):
            return np.outer(self.a[layer][sample], self.delta[layer][sample])

    def flat_gradient(self) -> np.ndarray:
        """∂E/∂param laid out like Network.params: (n_params,)."""
        net = Network(self.layer_sizes, "linear", "linear")
        views = net.views(net.params)
        for layer in range(self.n_layers):
            views.weights[layer][...] = self.weight_gradients[layer]
            views.biases[layer][...] = self.bias_gradients[layer]
        return net.params


def network_of(state: TrainerState) -> Network:
    """A fresh network holding a copy of the state's parameters."""
    config = state.config
    return Network(state.layer_sizes, config.activation, output_activation(config.problem), state.params.copy())


def batch_indices(n_train: int, batch_size: int, index: int) -> np.ndarray:
    """Rows of the mini-batch that training row ``index`` belongs to, in the trainer's fixed
    order: [b·size, (b + 1)·size) with b = index // size. The last rows of an epoch, fewer than a
    batch, form their own (the trainer carries them into the next epoch's first update)."""
    if not 0 <= index < n_train:
        raise ValueError(f"training sample {index} does not exist; allowed: 0 … {n_train - 1}")
    size = max(1, min(batch_size, n_train))
    start = index // size * size
    return np.arange(start, min(start + size, n_train))


def explain_samples(state: TrainerState, indices: Sequence[int]) -> Shot:
    """The shot of training rows ``indices`` (one row: "this sample"; a batch: "this mini-batch")."""
    rows = np.asarray(indices, dtype=np.int64)
    train = state.data.train
    if rows.size == 0 or rows.min() < 0 or rows.max() >= len(train):
        raise ValueError(f"training samples {rows.tolist()} do not all exist; allowed: 0 … {len(train) - 1}")
    return _explain(state, train[rows], rows)


def explain_points(state: TrainerState, points: np.ndarray) -> Shot:
    """The shot of points given by hand: (m, 3) rows of x, y, label, in the training set or not."""
    points = np.asarray(points, dtype=np.float64).reshape(-1, 3)
    return _explain(state, points, np.full(len(points), -1, dtype=np.int64))


def _explain(state: TrainerState, points: np.ndarray, indices: np.ndarray) -> Shot:
    net = network_of(state)
    inputs = feature_matrix(points[:, :2], state.config.features)  # (m, k)
    config = state.config
    targets = config_targets(points[:, 2], config)  # (m, n_outputs)
    m = len(points)
    # A diverged or hand-made huge network gives inf or NaN numbers, not warnings.
    with np.errstate(all="ignore"):
        forward = net.forward(inputs)
        delta = backward(net, forward, targets)
        slopes = [net.layer_activation(l).derivative(forward.z[l], forward.a[l + 1]) for l in range(net.n_layers)]
        mean_gradients = [forward.a[l].T @ delta[l] / m for l in range(net.n_layers)]  # (n_in, n_out)
        losses = example_losses(forward.output, targets, config.problem)
    return Shot(
        indices=indices.copy(),
        points=points.copy(),
        layer_sizes=net.layer_sizes,
        weights=[w.copy() for w in net.weights],
        biases=[b.copy() for b in net.biases],
        z=forward.z,
        a=forward.a,
        slopes=slopes,
        delta=delta,
        weight_gradients=mean_gradients,
        bias_gradients=[d.sum(axis=0) / m for d in delta],
        dead=state.dead.copy(),
        outputs=_outputs(forward.output, config.problem),
        losses=losses,
        step=_step(state, points),
    )


def _step(state: TrainerState, points: np.ndarray) -> ShotStep:
    """One update from ``points`` made by the trainer's own code on a copy of the trainer."""
    trainer = Trainer.from_state(without_history(state))
    trainer.apply_examples(points)
    after = trainer.state()
    net = trainer.network
    inputs = feature_matrix(points[:, :2], state.config.features)
    with np.errstate(all="ignore"):
        outputs = net.predict(inputs)  # (m, n_outputs)
        losses = example_losses(outputs, config_targets(points[:, 2], state.config), state.config.problem)
    config = state.config
    return ShotStep(
        optimizer=config.optimizer,
        learning_rate=config.learning_rate,
        regularization=config.regularization,
        regularization_rate=config.regularization_rate,
        params_before=state.params.copy(),
        params_after=after.params.copy(),
        optimizer_before=state.optimizer,
        optimizer_after=after.optimizer,
        dead_after=after.dead.copy(),
        outputs_after=_outputs(outputs, config.problem),
        losses_after=losses,
        state_after=after,
    )


def _outputs(out: np.ndarray, problem: str) -> np.ndarray:
    """(m, n_outputs) → (m,) for one output neuron; the (m, K) probabilities for multiclass."""
    return out.copy() if problem == "multiclass" else out[:, 0].copy()


def without_history(state: TrainerState) -> TrainerState:
    """The same state with only its last history row (epoch 0): a cheap copy to experiment on."""
    last = {name: state.history[name][-1:] for name in HISTORY_COLUMNS}
    return dataclasses.replace(state, epoch=0, history=last)


def parameter_index(layer_sizes: Sequence[int], layer: int, row: int, neuron: int) -> int:
    """Position in the flat parameter vector of weight ``row`` → ``neuron`` of weight layer
    ``layer`` (row == n_in: the neuron's bias)."""
    net = Network(layer_sizes, "linear", "linear")
    n_in, n_out = net.shapes[layer]
    if not (0 <= row <= n_in and 0 <= neuron < n_out):
        raise ValueError(f"no parameter at layer {layer}, input {row}, neuron {neuron}")
    offset = sum(o * (i + 1) for i, o in net.shapes[:layer])
    return offset + neuron * (n_in + 1) + row


def parameter_of(layer_sizes: Sequence[int], index: int) -> tuple[int, int, int]:
    """(weight layer, row, neuron) of flat parameter ``index`` (row == n_in: the neuron's bias);
    the inverse of :func:`parameter_index`."""
    offset = int(index)
    for layer, (n_in, n_out) in enumerate(zip(layer_sizes[:-1], layer_sizes[1:])):
        block = n_out * (n_in + 1)
        if 0 <= offset < block:
            neuron, row = divmod(offset, n_in + 1)
            return layer, row, neuron
        offset -= block
    raise ValueError(f"no parameter {index}; the network has {int(index) - offset} parameters")


def parameter_labels(
    layer_sizes: Sequence[int], weight: Callable[[int, int, int], str], bias: Callable[[int, int], str]
) -> list[str]:
    """A label for every flat parameter: ``weight(l, i, j)`` or ``bias(l, j)``, laid out like
    Network.params."""
    net = Network(layer_sizes, "linear", "linear")
    labels = np.empty(net.size, dtype=object)
    views = net.views(labels)
    for layer, (n_in, n_out) in enumerate(net.shapes):
        for j in range(n_out):
            views.biases[layer][j] = bias(layer, j)
            for i in range(n_in):
                views.weights[layer][i, j] = weight(layer, i, j)
    return list(labels)
