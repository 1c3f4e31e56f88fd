"""Training by the playground's exact rule, plus momentum and Adam.

One epoch visits the training points in their fixed order. Derivatives are summed over
examples; after every batch_size-th example *of the epoch* (index i with (i+1) % batch_size
== 0) the optimizer steps with their mean, then regularization steps:
    w ← w − lr · rate · R'(w_before)          weights only, never biases
and under L1 a weight that this step pushes across zero is set to 0 and stays dead.
Examples left over at the end of an epoch stay summed and join the next epoch's first update.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from playground.engine.config import Config
from playground.engine.data import SplitData, init_rng
from playground.engine.features import feature_matrix
from playground.engine.history import History
from playground.engine.kernel import ChunkKernel, augmented_inputs
from playground.engine.losses import accuracy, mean_loss
from playground.engine.network import Network
from playground.engine.optimizers import Optimizer, make_optimizer
from playground.engine.regularization import get_regularizer

# Settings that change without a reset (the playground resets on all but the learning rate).
HYPERPARAMETERS = ("learning_rate", "regularization", "regularization_rate", "optimizer", "batch_size")


def output_activation(problem: str) -> str:
    """tanh for classification, linear for regression, as the playground."""
    return "tanh" if problem == "classification" else "linear"


def build_network(config: Config) -> Network:
    sizes = (len(config.features), *config.hidden, 1)
    return Network.initialised(sizes, config.activation, output_activation(config.problem), init_rng(config.seed))


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
        self.config = config
        self.network = network if network is not None else build_network(config)
        size = self.network.size
        self.optimizer: Optimizer = make_optimizer(config.optimizer, size)
        self.alive = np.ones(size)  # 0.0 where L1 killed a weight, else 1.0
        self.pending_grad = np.zeros(size)  # Σ dE/dparam of examples not yet in an update
        self.pending_count = 0
        self.grad_sum = np.zeros(size)  # Σ dE/dparam of the last update's examples
        self.grad_count = 0  # how many examples the last update averaged
        self._grad_blocks = self.network.views(self.grad_sum).blocks
        self._leftover_grad = np.zeros(size)
        self._leftover_blocks = self.network.views(self._leftover_grad).blocks
        self.epoch = 0
        self.history = History()
        self.set_data(data)
        self.history.append(*self._evaluate())

    # ----- data -----------------------------------------------------------------------
    def set_data(self, data: SplitData) -> None:
        """New points, same network (the playground's Regenerate). Pending sums are kept."""
        self.data = data
        names = self.config.features
        self.train_features = feature_matrix(data.train[:, :2], names)  # (n_train, k)
        self.test_features = feature_matrix(data.test[:, :2], names)  # (n_test, k)
        self._all_features = np.concatenate([self.train_features, self.test_features])
        self._all_labels = np.concatenate([data.train[:, 2], data.test[:, 2]])[:, None]  # (n, 1)
        self._make_chunks()

    def _make_chunks(self) -> None:
        # A batch larger than the training set would never trigger an update; use one
        # update per epoch instead (the playground's UI never allows that case).
        n_train = len(self.data.train)
        self.batch_size = min(self.config.batch_size, n_train)
        inputs = augmented_inputs(self.train_features)  # (k + 1, n_train)
        targets = self.data.train[:, 2][None, :]  # (1, n_train)
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
    def train_epoch(self) -> EpochResult:
        # Overflow is how divergence starts; it is reported in the result, not warned about.
        with np.errstate(all="ignore"):
            return self._train_epoch()

    def _train_epoch(self) -> EpochResult:
        for inputs, targets in self._chunks:
            self._kernel.gradient_sum(inputs, targets, self._grad_blocks)
            count = self.batch_size
            if self.pending_count:
                self.grad_sum += self.pending_grad
                count += self.pending_count
                self.pending_grad[:] = 0.0
                self.pending_count = 0
            self._update(count)
        if self._leftover is not None:
            self._leftover_kernel.gradient_sum(*self._leftover, self._leftover_blocks)
            self.pending_grad += self._leftover_grad
            self.pending_count += self._leftover[0].shape[1]
        self.epoch += 1
        row = self._evaluate()
        self.history.append(*row)
        return self._result(row)

    def train(self, epochs: int) -> EpochResult:
        """Up to ``epochs`` epochs; stops early at the first divergent one."""
        result = self.last_result()
        for _ in range(epochs):
            result = self.train_epoch()
            if result.diverged:
                break
        return result

    def _update(self, count: int) -> None:
        config, params = self.config, self.network.params
        has_dead = self.config.regularization == "l1" and not self.alive.all()
        if has_dead:
            self.grad_sum *= self.alive  # dead links accumulate nothing
        self.grad_count = count
        lr, rate = config.learning_rate, config.regularization_rate
        regularize = config.regularization != "none" and rate != 0.0
        if regularize:
            penalty = (lr * rate) * get_regularizer(config.regularization).derivative(params)
            penalty *= self.network.weight_mask  # biases are never regularized
        self.optimizer.step(params, self.grad_sum, count, lr)
        if has_dead:
            params *= self.alive
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
        self.alive[crossed] = 0.0
        params[...] = updated

    # ----- measuring ------------------------------------------------------------------
    def _evaluate(self) -> tuple[float, float, float, float]:
        out = self.network.predict(self._all_features)  # (n_train + n_test, 1)
        n_train = len(self.data.train)
        labels = self._all_labels
        losses = (mean_loss(out[:n_train], labels[:n_train]), mean_loss(out[n_train:], labels[n_train:]))
        if self.config.problem != "classification":
            return (*losses, math.nan, math.nan)
        return (*losses, accuracy(out[:n_train], labels[:n_train]), accuracy(out[n_train:], labels[n_train:]))

    def _result(self, row: tuple[float, float, float, float]) -> EpochResult:
        diverged = not (math.isfinite(row[0]) and math.isfinite(row[1]) and np.isfinite(self.network.params).all())
        message = ""
        if diverged:
            message = (
                f"Training diverged at epoch {self.epoch}: the loss or a weight became infinite or NaN. "
                f"Lower the learning rate (now {self.config.learning_rate:g}) or the regularization rate, then reset."
            )
        return EpochResult(self.epoch, *row, diverged=diverged, message=message)

    def last_result(self) -> EpochResult:
        h = self.history
        return self._result(tuple(h.last(name) for name in ("train_loss", "test_loss", "train_accuracy", "test_accuracy")))

    def last_gradient(self) -> np.ndarray:
        """Mean dE/dparam of the last update (flat, like params); zeros before the first."""
        return self.grad_sum / self.grad_count if self.grad_count else np.zeros_like(self.grad_sum)

    # ----- live changes ---------------------------------------------------------------
    def set_hyperparameters(self, **changes: object) -> None:
        """Change learning rate, regularization, its rate, optimizer or batch size; keep the network."""
        unknown = set(changes) - set(HYPERPARAMETERS)
        if unknown:
            raise ValueError(f"cannot change {sorted(unknown)} without a rebuild; live: {', '.join(HYPERPARAMETERS)}")
        old = self.config
        self.config = old.replace(**changes)
        if self.config.optimizer != old.optimizer:
            self.optimizer = make_optimizer(self.config.optimizer, self.network.size)
        if self.config.regularization != "l1":
            self.alive[:] = 1.0  # dead weights are an L1 mechanism; leaving L1 revives them
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
        self.network.views(self.alive).blocks[layer][neuron, row] = 1.0
