"""What the worker hands the views: an immutable picture of the trainer at one moment.

Every array is a fresh copy made in the worker thread and never mutated afterwards (pyqtgraph
keeps views of what it is given), except the points, which are shared read-only arrays that
never change in place (a new set of points is a new SplitData). No Qt here: views, tests and the screenshot code share it.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from playground.engine.config import Config
from playground.engine.trace import SampleTrace

HISTORY_FIELDS = ("train_loss", "test_loss", "train_accuracy", "test_accuracy")
NO_CHECKPOINTS = np.empty(0, dtype=np.int64)
NO_CHECKPOINTS.flags.writeable = False


@dataclass(frozen=True)
class Snapshot:
    serial: int  # increases by one with every snapshot sent
    epoch: int
    config: Config  # the settings in force
    layer_sizes: tuple[int, ...]  # (n_features, *hidden, n_outputs)
    weights: tuple[np.ndarray, ...]  # weights[l]: (n_in, n_out)
    biases: tuple[np.ndarray, ...]  # biases[l]: (n_out,)
    weight_gradients: tuple[np.ndarray, ...]  # mean dE/dW of the last update, (n_in, n_out) each
    bias_gradients: tuple[np.ndarray, ...]  # mean dE/db of the last update, (n_out,) each
    dead: tuple[np.ndarray, ...]  # (n_in, n_out) bools: weights L1 has killed
    node_maps: np.ndarray  # (n_nodes, res, res) float32: features, hidden, output; row 0 = bottom
    grid_extent: float  # the maps cover [−extent, extent]²
    data_version: int  # changes whenever train/test points change
    train_points: np.ndarray  # (n_train, 3) x, y, label
    test_points: np.ndarray  # (n_test, 3)
    train_outputs: np.ndarray  # (n_train,) float64 output at each training point; multiclass: (n_train, K) p
    test_outputs: np.ndarray  # (n_test,) float64 (multiclass: (n_test, K)): the same for the test points
    train_loss: float  # NaN when the training set is empty ("no points") or the run diverged
    test_loss: float  # NaN when the test set is empty or the run diverged
    train_accuracy: float  # nan for regression
    test_accuracy: float
    history_reset: bool  # the loss curve must be cleared before appending new_history
    history_start: int  # epoch of new_history's first row
    new_history: np.ndarray  # (k, 4) rows of HISTORY_FIELDS for epochs history_start...
    history_epochs: np.ndarray  # (k,) the epoch of each new row (consecutive until a long run thins)
    epochs_per_second: float  # training speed over the last second (0 when paused)
    running: bool
    diverged: bool
    message: str  # what happened and what to try, when diverged
    trace: SampleTrace | None  # the sample under the mouse, traced through the network
    # (n,) int64 read-only, ascending: the epochs the worker keeps a checkpoint of (the store's
    # own array, shared until a checkpoint is added or dropped: no copy per frame)
    checkpoint_epochs: np.ndarray = field(default_factory=lambda: NO_CHECKPOINTS)
    # None: the snapshot shows the live run. Else the user is scrubbing: the network, maps,
    # outputs, losses and ``epoch`` are those of the checkpoint shown, while this is the live
    # run's epoch; the history (the loss curve) and ``config`` (the settings in force, which a
    # branch continues with) stay the live run's.
    live_epoch: int | None = None
    branch_undoable: bool = False  # a branch was taken and undo_branch() can bring the run before it back

    @property
    def scrubbed(self) -> bool:
        return self.live_epoch is not None

    @property
    def n_nodes(self) -> int:
        return sum(self.layer_sizes)

    def node_index(self, layer: int, neuron: int) -> int:
        """Row of node_maps for neuron ``neuron`` of layer ``layer`` (0 = the features)."""
        return sum(self.layer_sizes[:layer]) + neuron

    @property
    def output_map(self) -> np.ndarray:
        return self.node_maps[-1]  # (res, res); for multiclass the last class's p, see class_maps

    @property
    def multiclass(self) -> bool:
        return self.config.problem == "multiclass"

    @property
    def n_outputs(self) -> int:
        return self.layer_sizes[-1]

    @property
    def class_maps(self) -> np.ndarray:
        """(K, res, res) float32 p_k over the plane (multiclass; they sum to 1 per pixel)."""
        return self.node_maps[-self.n_outputs :]
