"""Training by the playground's exact rule, plus momentum and Adam.

One epoch visits the training points in their fixed order. Derivatives are summed over
examples; after every batch_size-th example *of the epoch* (index i with (i+1) % batch_size
== 0) the optimizer steps with their mean, then regularization steps:
    w ← w − lr · rate · R'(w_before)          weights only, never biases
and under L1 a weight that this step pushes across zero is set to 0 and stays dead.
Examples left over at the end of an epoch stay summed and join the next epoch's first update.

Everything that continuation depends on is read through ``state()`` (a frozen TrainerState) and
restored by ``from_state``; the views read ``history``, ``dead_mask()`` and ``last_gradient()``.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from playground.engine import compiled
from playground.engine.backprop import accumulate_gradient
from playground.engine.config import Config
from playground.engine.data import SplitData, init_rng
from playground.engine.datasets import DataError, first_bad_label
from playground.engine.features import feature_matrix
from playground.engine.history import HISTORY_COLUMNS, History
from playground.engine.kernel import ChunkKernel, augmented_inputs
from playground.engine.losses import accuracy, mean_loss, targets_of
from playground.engine.network import Network
from playground.engine.optimizers import Optimizer, make_optimizer
from playground.engine.regularization import get_regularizer
from playground.engine.trainer_state import TrainerState

# Settings that change without a reset (the playground resets on all but the learning rate).
HYPERPARAMETERS = ("learning_rate", "regularization", "regularization_rate", "optimizer", "batch_size")


def output_activation(problem: str) -> str:
    """tanh for classification, linear for regression (as the playground), softmax for multiclass."""
    return {"classification": "tanh", "multiclass": "softmax"}.get(problem, "linear")


def build_network(config: Config) -> Network:
    return Network.initialised(
        config.layer_sizes, config.activation, output_activation(config.problem), init_rng(config.seed)
    )


def config_targets(labels: np.ndarray, config: Config) -> np.ndarray:
    """(n, n_outputs) targets of (n,) labels under ``config``'s problem (losses.targets_of)."""
    return targets_of(labels, config.problem, config.n_outputs)


def measure(outputs: np.ndarray, targets: np.ndarray, n_train: int, problem: str) -> tuple[float, float, float, float]:
    """Train loss, test loss, train accuracy, test accuracy (NaN for regression) of a history row;
    NaN for an empty set.

    outputs, targets: (n_train + n_test, n_outputs), the training points first.
    """
    train, test = slice(None, n_train), slice(n_train, None)
    losses = (mean_loss(outputs[train], targets[train], problem), mean_loss(outputs[test], targets[test], problem))
    if problem == "regression":
        return (*losses, math.nan, math.nan)
    return (*losses, accuracy(outputs[train], targets[train], problem), accuracy(outputs[test], targets[test], problem))


def evaluate(network: Network, config: Config, data: SplitData) -> tuple[float, float, float, float]:
    """The history row of ``network`` on ``data`` now, computed exactly as a Trainer computes it."""
    points = np.concatenate([data.train, data.test])  # (n_train + n_test, 3)
    outputs = network.predict(feature_matrix(points[:, :2], config.features))
    return measure(outputs, config_targets(points[:, 2], config), len(data.train), config.problem)


@dataclass(frozen=True)
class EpochResult:
    epoch: int
    train_loss: float
    test_loss: float
    train_accuracy: float  # nan for regression
    test_accuracy: float
    diverged: bool  # NaN or inf in a loss or a parameter
    message: str = ""  # what happened and what to try, when diverged


class Trainer:
    """Owns a network, its data and every piece of state that exact continuation needs."""

    def __init__(self, config: Config, data: SplitData, network: Network | None = None) -> None:
        """A fresh start: ``network`` (default: initialised from the config's seed), epoch 0."""
        self._build(config, data, network if network is not None else build_network(config))
        self.history.append(*self._evaluate())

    def _build(self, config: Config, data: SplitData, network: Network) -> None:
        self.config = config
        self.network = network
        size = network.size
        self._optimizer: Optimizer = make_optimizer(config.optimizer, size)
        self._alive = np.ones(size)  # 0.0 where L1 killed a weight, else 1.0
        self._pending_grad = np.zeros(size)  # Σ dE/dparam of examples not yet in an update
        self._pending_count = 0
        self._grad_sum = np.zeros(size)  # Σ dE/dparam of the last update's examples
        self._grad_count = 0  # how many examples the last update averaged
        self._grad_blocks = network.views(self._grad_sum).blocks
        self._leftover_grad = np.zeros(size)
        self._leftover_blocks = network.views(self._leftover_grad).blocks
        self.epoch = 0
        self.history = History()
        self._compiled_run: compiled.CompiledRun | None = None  # built on demand, dropped on any change
        self.set_data(data)

    # ----- state ----------------------------------------------------------------------
    @classmethod
    def from_state(cls, state: TrainerState) -> Trainer:
        """A trainer that continues from ``state`` exactly as the one it was taken from would."""
        config = state.config
        network = Network(state.layer_sizes, config.activation, output_activation(config.problem), state.params)
        trainer = cls.__new__(cls)
        trainer._build(config, state.data, network)
        trainer._optimizer.load_state(dict(state.optimizer))
        trainer._compiled_run = None  # the optimizer's arrays were replaced
        trainer._alive[state.dead] = 0.0
        trainer._pending_grad[...] = state.pending_sum
        trainer._pending_count = state.pending_count
        trainer._grad_sum[...] = state.last_sum
        trainer._grad_count = state.last_count
        trainer.epoch = state.epoch
        trainer.history = History.from_columns(dict(state.history))
        return trainer

    def state(self) -> TrainerState:
        """Everything continuation depends on, copied and frozen."""
        return self._state(self.epoch, self.history.to_columns())

    def bare_state(self) -> TrainerState:
        """state() without the history (epoch 0, the current row only): a cheap frozen copy of
        everything the next update depends on, to experiment on (the inspector's shots)."""
        return self._state(0, {name: [self.history.last(name)] for name in HISTORY_COLUMNS})

    def _state(self, epoch: int, history: dict) -> TrainerState:
        return TrainerState(
            config=self.config,
            data=self.data,
            params=self.network.params,
            optimizer=self._optimizer.state(),
            dead=self._alive == 0.0,
            pending_sum=self._pending_grad,
            pending_count=self._pending_count,
            last_sum=self._grad_sum,
            last_count=self._grad_count,
            epoch=epoch,
            history=history,
        )

    def dead_mask(self) -> np.ndarray:
        """(n_params,) bool, a fresh copy: True on the weights L1 has killed."""
        return self._alive == 0.0

    @property
    def pending_grad(self) -> np.ndarray:
        """(n_params,) read-only view: Σ dE/dparam of the examples not yet in an update."""
        view = self._pending_grad.view()
        view.flags.writeable = False
        return view

    # ----- data -----------------------------------------------------------------------
    def set_data(self, data: SplitData) -> None:
        """New points, same network (the playground's Regenerate). Pending sums are kept.

        Raises DataError, changing nothing, if the points are too many for this network or a
        label is not one of the problem's."""
        data.check_fits(self.config.hidden)
        for part, rows in (("training", data.train), ("test", data.test)):
            wrong = first_bad_label(rows[:, 2], self.config.problem, self.config.classes)
            if wrong:
                raise DataError(f"{part} point {wrong[0]} has label {wrong[1]}")
        self.data = data
        names = self.config.features
        self.train_features = feature_matrix(data.train[:, :2], names)  # (n_train, k)
        self.test_features = feature_matrix(data.test[:, :2], names)  # (n_test, k)
        self._all_features = np.concatenate([self.train_features, self.test_features])
        labels = np.concatenate([data.train[:, 2], data.test[:, 2]])
        self._all_targets = config_targets(labels, self.config)  # (n_train + n_test, n_outputs)
        self._make_chunks()

    def _make_chunks(self) -> None:
        self._compiled_run = None
        # A batch larger than the training set would never trigger an update; use one
        # update per epoch instead (the playground's UI never allows that case).
        n_train = len(self.data.train)
        self.batch_size = max(1, min(self.config.batch_size, n_train))  # 1 on an empty plane: no chunks
        inputs = augmented_inputs(self.train_features)  # (k + 1, n_train)
        targets = np.ascontiguousarray(self._all_targets[:n_train].T)  # (n_outputs, n_train)
        cuts = list(range(0, n_train + 1, self.batch_size))
        self._chunks = [
            (np.ascontiguousarray(inputs[:, a:b]), np.ascontiguousarray(targets[:, a:b]))
            for a, b in zip(cuts[:-1], cuts[1:])
        ]
        self._kernel = ChunkKernel(self.network, self.batch_size)
        rest = n_train - cuts[-1]
        self._leftover = None
        if rest:
            self._leftover = (np.ascontiguousarray(inputs[:, -rest:]), np.ascontiguousarray(targets[:, -rest:]))
            self._leftover_kernel = ChunkKernel(self.network, rest)

    # ----- training -------------------------------------------------------------------
    @property
    def engine(self) -> str:
        """Which engine trains this network: compiled.COMPILED or compiled.NUMPY."""
        usable = compiled.LIBRARY is not None and self.network.n_layers <= compiled.MAX_LAYERS
        return compiled.COMPILED if usable else compiled.NUMPY

    def train_epoch(self) -> EpochResult:
        return self.train(1)

    def train(self, epochs: int, measure: bool = True) -> EpochResult:
        """Up to ``epochs`` epochs; stops early at the first divergent one. The compiled kernel
        runs them all in one call when it is there; otherwise the NumPy engine, epoch by epoch.

        ``measure=False`` measures the losses after the last epoch only (the history's other new
        rows are NaN, unknown, and divergence shows only then): raw speed for benchmarks and scripts.
        """
        if not len(self.data.train):
            raise DataError("there are no training points to train on; allowed: at least 1 (draw or load some)")
        if epochs <= 0:
            return self.last_result()
        if self.engine == compiled.COMPILED:
            return self._train_compiled(epochs, measure)
        # Overflow is how divergence starts; it is reported in the result, not warned about.
        with np.errstate(all="ignore"):
            for done in range(1, epochs + 1):
                result = self._train_epoch(measure or done == epochs)
                if result.diverged:
                    break
        return result

    def _train_compiled(self, epochs: int, measure: bool) -> EpochResult:
        if self._compiled_run is None:
            optimizer = self._optimizer
            arrays = {
                "alive": self._alive, "pending": self._pending_grad, "grad_sum": self._grad_sum,
                "velocity": getattr(optimizer, "velocity", getattr(optimizer, "m", None)),
                "second_moment": getattr(optimizer, "v", None),
                "features": self._all_features, "targets": self._all_targets,
            }
            self._compiled_run = compiled.CompiledRun(
                self.network, self.config, self.batch_size, arrays, len(self.data.train))
        counters = (self._pending_count, self._grad_count, getattr(self._optimizer, "t", 0))
        rows, (self._pending_count, self._grad_count, steps) = self._compiled_run.train(epochs, counters, measure)
        if hasattr(self._optimizer, "t"):
            self._optimizer.t = steps
        self.epoch += len(rows)
        self.history.extend(rows)
        return self._result(tuple(math.nan if math.isnan(v) else float(v) for v in rows[-1]))  # one NaN:
        # results compare equal, as the NumPy engine's do

    def _train_epoch(self, measure: bool = True) -> EpochResult:
        for inputs, targets in self._chunks:
            self._kernel.gradient_sum(inputs, targets, self._grad_blocks)
            count = self.batch_size
            if self._pending_count:
                self._grad_sum += self._pending_grad
                count += self._pending_count
                self._pending_grad[:] = 0.0
                self._pending_count = 0
            self._update(count)
        if self._leftover is not None:
            self._leftover_kernel.gradient_sum(*self._leftover, self._leftover_blocks)
            self._pending_grad += self._leftover_grad
            self._pending_count += self._leftover[0].shape[1]
        self.epoch += 1
        row = self._evaluate() if measure else (math.nan,) * len(HISTORY_COLUMNS)
        self.history.append(*row)
        return self._result(row) if measure else EpochResult(self.epoch, *row, diverged=False)

    def apply_examples(self, points: np.ndarray) -> None:
        """Exactly one update from these (m, 3) rows of x, y, label, with the optimizer and
        regularization in force, as if they were one batch (the inspector's "Apply this shot").
        Pending examples stay pending; the current history row is re-measured."""
        points = np.asarray(points, dtype=np.float64).reshape(-1, 3)
        if not len(points):
            raise ValueError("a shot needs at least one sample")
        inputs = feature_matrix(points[:, :2], self.config.features)  # (m, k)
        with np.errstate(all="ignore"):
            self._grad_sum[:] = 0.0
            accumulate_gradient(self.network, inputs, config_targets(points[:, 2], self.config), self._grad_sum)
            self._update(len(points))
        self.reevaluate()

    def _update(self, count: int) -> None:
        config, params = self.config, self.network.params
        has_dead = self.config.regularization == "l1" and not self._alive.all()
        if has_dead:
            self._grad_sum *= self._alive  # dead links accumulate nothing
        self._grad_count = count
        lr, rate = config.learning_rate, config.regularization_rate
        regularize = config.regularization != "none" and rate != 0.0
        if regularize:
            penalty = (lr * rate) * get_regularizer(config.regularization).derivative(params)
            penalty *= self.network.weight_mask  # biases are never regularized
        self._optimizer.step(params, self._grad_sum, count, lr)
        if has_dead:
            params *= self._alive
        if regularize:
            self._apply_penalty(penalty)

    def _apply_penalty(self, penalty: np.ndarray) -> None:
        params = self.network.params
        if self.config.regularization != "l1":
            params -= penalty
            return
        updated = params - penalty
        crossed = params * updated < 0  # pushed across zero by the L1 step: dies
        updated[crossed] = 0.0
        self._alive[crossed] = 0.0
        params[...] = updated

    # ----- measuring ------------------------------------------------------------------
    def _evaluate(self) -> tuple[float, float, float, float]:
        out = self.network.predict(self._all_features)  # (n_train + n_test, n_outputs)
        return measure(out, self._all_targets, len(self.data.train), self.config.problem)

    def outputs(self) -> tuple[np.ndarray, np.ndarray]:
        """The network's output for every (training, test) point now: fresh float64 arrays of
        (n_train,), (n_test,), or for multiclass the probabilities (n_train, K), (n_test, K), by the
        same forward pass the history's losses are measured with. Computed on request (a
        snapshot's), never in the training loop; overflow gives inf or NaN quietly."""
        with np.errstate(all="ignore"):
            out = self.network.predict(self._all_features)  # (n_train + n_test, n_outputs)
        if self.config.problem != "multiclass":
            out = out[:, 0]
        n_train = len(self.data.train)
        return out[:n_train].copy(), out[n_train:].copy()

    def reevaluate(self) -> None:
        """Measure the network as it is now and make that the current epoch's history row,
        so the losses shown after a hand-edited weight or new points are those of what is shown."""
        with np.errstate(all="ignore"):  # a huge typed weight may overflow: reported, not warned
            self.history.replace_last(*self._evaluate())

    def _result(self, row: tuple[float, float, float, float]) -> EpochResult:
        # An empty set's loss is NaN by design ("no points"), not a sign of divergence.
        sizes = (len(self.data.train), len(self.data.test))
        losses_finite = all(math.isfinite(loss) or not size for loss, size in zip(row[:2], sizes))
        diverged = not (losses_finite and np.isfinite(self.network.params).all())
        message = ""
        if diverged:
            message = (
                f"Training diverged at epoch {self.epoch}: the loss or a weight became infinite or NaN. "
                f"Lower the learning rate (now {self.config.learning_rate:g}) or the regularization rate, then reset."
            )
        return EpochResult(self.epoch, *row, diverged=diverged, message=message)

    def last_result(self) -> EpochResult:
        return self._result(tuple(self.history.last(name) for name in HISTORY_COLUMNS))

    def last_gradient(self) -> np.ndarray:
        """Mean dE/dparam of the last update (flat, like params), a fresh array; zeros before the first."""
        return self._grad_sum / self._grad_count if self._grad_count else np.zeros_like(self._grad_sum)

    # ----- live changes ---------------------------------------------------------------
    def set_hyperparameters(self, **changes: object) -> None:
        """Change learning rate, regularization, its rate, optimizer or batch size; keep the network."""
        unknown = set(changes) - set(HYPERPARAMETERS)
        if unknown:
            raise ValueError(f"cannot change {sorted(unknown)} without a rebuild; live: {', '.join(HYPERPARAMETERS)}")
        old = self.config
        self.config = old.replace(**changes)
        self._compiled_run = None  # it holds the old settings (and perhaps the old optimizer's arrays)
        if self.config.optimizer != old.optimizer:
            self._optimizer = make_optimizer(self.config.optimizer, self.network.size)
        if self.config.regularization != "l1":
            self._alive[:] = 1.0  # dead weights are an L1 mechanism; leaving L1 revives them
        if self.config.batch_size != old.batch_size:
            self._make_chunks()

    def set_parameter(self, layer: int, row: int, neuron: int, value: float) -> None:
        """Set one weight (row < n_in) or the bias (row == n_in) of ``neuron`` in ``layer``.

        An edited weight that L1 had killed comes back to life.
        """
        block = self.network.blocks[layer]  # (n_out, n_in + 1)
        if not (0 <= neuron < block.shape[0] and 0 <= row < block.shape[1]):
            raise ValueError(f"no parameter at layer {layer}, input {row}, neuron {neuron}")
        block[neuron, row] = value
        self.network.views(self._alive).blocks[layer][neuron, row] = 1.0
        self.reevaluate()
