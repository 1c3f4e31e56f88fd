"""The backprop inspector's logic: which shot, which stage, what is selected, and who shows it.

It asks the worker for a frozen copy of the trainer (``take_state``), makes the Shot from it with
the engine's own code, and hands the pieces to the panel (text, cards, slope, check), the network
view (the stage drawn over the network) and the boundary plot (the shot's samples, the corrected
boundary). Nothing here changes the training run except "Apply this shot". Any paused snapshot
(a step, an edited weight, an applied shot) makes it re-aim: it takes the state again and keeps
the chosen sample, mode, stage and selection. Playing the run closes it.
"""

from __future__ import annotations

import numpy as np
from PySide6.QtCore import QObject, QTimer, Signal

from playground.engine.chain_rule import chain_rule
from playground.engine.explain_multiclass import class_margin
from playground.engine.features import feature_matrix
from playground.engine.grid import GridEvaluator
from playground.engine.losses import example_losses
from playground.engine.shot import (
    Shot,
    batch_indices,
    explain_samples,
    network_of,
    parameter_index,
    parameter_of,
)
from playground.engine.slope import slope_data
from playground.engine.trainer import config_targets
from playground.engine.trainer_state import TrainerState
from playground.ui import network_text, theme
from playground.ui.boundary_plot import BoundaryPlot
from playground.ui.inspector_panel import InspectorPanel
from playground.ui.network_items import Target
from playground.ui.network_view import NetworkView
from playground.ui.stage_text import shot_name, stage_html
from playground.ui.stages import Stage, last_index_of, stage_view, stages
from playground.worker.controller import TrainingController


class Inspector(QObject):
    opened = Signal(bool)  # the inspector was opened (True) or closed (False)
    shot_changed = Signal()  # a new Shot is shown (a new sample, mode or state)

    def __init__(
        self,
        controller: TrainingController,
        panel: InspectorPanel,
        network_view: NetworkView,
        boundary_plot: BoundaryPlot,
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self.controller, self.panel, self.network_view, self.boundary_plot = controller, panel, network_view, boundary_plot
        self.is_open = False
        self.state: TrainerState | None = None
        self.shot: Shot | None = None
        self.row: int | None = None  # the chosen training row
        self.batch = False  # this mini-batch rather than this sample
        self.stage_index = 0
        self.selected: Target | None = None
        self._pending_pick: str | None = None  # a pick asked for before the state arrived
        self._rng = np.random.default_rng()
        self._ghost_key: tuple | None = None  # (id of the shot, focus) whose corrected boundary is drawn
        self._asked = False  # a take_state is on its way
        self._stale = False  # a change arrived while it was: the state it brings is old
        self._aimed_at: tuple | None = None  # what the last state showed (see _fingerprint)
        self._until_paused = False  # opened while running: the pause has not reached the views yet
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.timeout.connect(self._advance)
        panel.hide()
        self._connect()
        theme.follow_theme(self, self._restyle)

    def _restyle(self) -> None:
        """The theme or the colour scales changed: the stage again, coloured and worded in the new scales."""
        if self.is_open and self.stage is not None:
            self._show_stage()

    def _connect(self) -> None:
        p = self.panel
        p.previous_clicked.connect(self.previous_stage)
        p.next_clicked.connect(self.next_stage)
        p.play_clicked.connect(self.toggle_playing)
        p.stage_chosen.connect(self.go_to_stage)
        p.mode_changed.connect(self.set_batch)
        p.pick_clicked.connect(self.pick)
        p.apply_clicked.connect(self.apply_shot)
        p.close_clicked.connect(self.close)
        p.chain_rule_card.factor_hovered.connect(self._factor_hovered)
        p.slope_view.weight_dragged.connect(self._weight_dragged)
        p.gradient_check_view.parameter_chosen.connect(self._chosen_in_table)
        self.controller.state_taken.connect(self._state_taken)
        self.controller.snapshot_changed.connect(self._snapshot)
        self.network_view.target_inspected.connect(self.select)
        self.boundary_plot.sample_clicked.connect(self._point_clicked)

    # ----- opening and closing ------------------------------------------------------------------
    def open(self) -> None:
        """Pause the run and explain one shot (the worst sample, until another is chosen)."""
        if self.is_open:
            return
        self.is_open = True
        snapshot = self.controller.snapshot
        # Snapshots made before the pause arrives still say "running": they must not close it.
        self._until_paused = snapshot is not None and snapshot.running
        self.controller.pause()
        self.panel.show()
        self.panel.setFocus()
        self.network_view.set_inspecting(True)
        if self.row is None:
            self._pending_pick = "worst"
        self._aimed_at = None
        self._ask_for_state()
        self.opened.emit(True)

    def close(self) -> None:
        if not self.is_open:
            return
        self.is_open = False
        self._timer.stop()
        self.panel.set_playing(False)
        self.panel.hide()
        self.network_view.set_inspecting(False)
        self.network_view.set_stage_view(None)
        self.network_view.highlight(None)
        self.boundary_plot.show_shot(None)
        self.boundary_plot.show_ghost(None)
        self._ghost_key = None
        self.opened.emit(False)

    def toggle(self) -> None:
        (self.close if self.is_open else self.open)()

    # ----- choosing the shot --------------------------------------------------------------------
    def choose_row(self, row: int) -> None:
        self.row = int(row)
        self._pending_pick = None  # a choice made after a pick was asked for wins
        if not self._asked:  # else the state on its way is shot from this row when it arrives
            self._rebuild_shot()

    def set_batch(self, batch: bool) -> None:
        self.batch = bool(batch)
        if self.panel.batch_radio.isChecked() != self.batch:
            self.panel.batch_radio.setChecked(self.batch)
        if not self._asked:
            self._rebuild_shot()

    def pick(self, kind: str) -> None:
        """"worst": the largest loss; "misclassified": the next one it gets wrong; "random"."""
        if self.state is None or self._asked:  # a newer state is on its way: pick from it
            self._pending_pick = kind
            return
        train = self.state.data.train
        if not len(train):
            self._drop_shot()
            return
        with np.errstate(all="ignore"):
            config = self.state.config
            out = network_of(self.state).predict(feature_matrix(train[:, :2], config.features))  # (n, n_outputs)
            losses = example_losses(out, config_targets(train[:, 2], config), config.problem)
        if kind == "worst":
            row = int(np.nanargmax(losses)) if np.isfinite(losses).any() else 0
        elif kind == "random":
            row = int(self._rng.integers(len(train)))
        else:
            wrong = self._wrong(out, losses)
            if not wrong.any():
                if self.shot is None:  # a re-aimed state: shoot the row in hand again
                    self._rebuild_shot()
                self.panel.say("The network gets every training sample right: nothing misclassified.")
                return
            start = -1 if self.row is None else self.row
            order = np.roll(np.arange(len(train)), -(start + 1))
            row = int(order[np.argmax(wrong[order])])
        self.choose_row(row)

    def _wrong(self, out: np.ndarray, losses: np.ndarray) -> np.ndarray:
        labels = self.state.data.train[:, 2]
        if self.state.config.problem == "classification":
            return np.where(out[:, 0] >= 0, 1.0, -1.0) != labels
        if self.state.config.problem == "multiclass":
            return np.argmax(out, axis=1) != labels
        finite = losses[np.isfinite(losses)]
        return losses > (finite.mean() if finite.size else np.inf)  # regression: worse than the average sample

    def _point_clicked(self, x: float, y: float, label: float) -> None:
        if not self.is_open or self.state is None:
            return
        train = self.state.data.train
        hit = np.flatnonzero((train[:, 0] == x) & (train[:, 1] == y) & (train[:, 2] == label))
        if hit.size:
            self.choose_row(int(hit[0]))
        else:
            self.panel.say("That is a test point: the inspector explains training samples.")

    # ----- the state and the shot ---------------------------------------------------------------
    def _snapshot(self, snapshot) -> None:
        if not self.is_open:
            return
        if snapshot.running:
            if not self._until_paused:
                self.close()  # Play: the run moves on, the frozen shot would be stale
            return
        self._until_paused = False
        if _fingerprint(snapshot) != self._aimed_at:
            self._ask_for_state()  # something changed while paused: re-aim

    def _ask_for_state(self) -> None:
        """One request at a time: changes that arrive meanwhile make its answer stale, and a
        stale answer asks again instead of being worked out (a burst of edits costs one shot)."""
        if self._asked:
            self._stale = True
            return
        self._asked, self._stale = True, False
        self._aimed_at = None if self.controller.snapshot is None else _fingerprint(self.controller.snapshot)
        self.controller.take_state()

    def _state_taken(self, state: TrainerState) -> None:
        self._asked = False
        if not self.is_open:
            return
        if self._stale:
            self._ask_for_state()
            return
        self.state = state
        self.shot = None  # shot from the old state: never drawn beside the new one
        n_train = len(state.data.train)
        if self.row is not None and self.row >= n_train:
            self.row, self._pending_pick = None, self._pending_pick or "worst"
        if self._pending_pick is not None:
            kind, self._pending_pick = self._pending_pick, None
            self.pick(kind)
        else:
            self._rebuild_shot()

    def _rebuild_shot(self) -> None:
        if self.state is None or self.row is None or not len(self.state.data.train):
            self._drop_shot()
            return
        n_train = len(self.state.data.train)
        rows = batch_indices(n_train, self.state.config.batch_size, self.row) if self.batch else [self.row]
        self.shot = explain_samples(self.state, rows)
        self._ghost_key = None
        count = len(stages(self.shot.n_layers))
        self.stage_index = min(self.stage_index, count - 1)
        if self.selected is not None and not self._valid(self.selected):
            self.selected = None
        short = self.batch and n_train % min(self.state.config.batch_size, n_train) and rows[-1] == n_train - 1
        self.panel.say(shot_name(self.shot, self.focus) + (
            "; the epoch's last rows, which the trainer adds to the next epoch's first update" if short else ""
        ))
        self.boundary_plot.show_shot(self.shot.points, self.focus)
        self._show_stage()
        self._show_selection()
        self.shot_changed.emit()

    def _drop_shot(self) -> None:
        """No shot to show (no training point, or none chosen yet): clear what the last one drew."""
        self.shot = None
        self._stop_playing()
        self.network_view.set_stage_view(None)
        self.network_view.highlight(None)
        self.boundary_plot.show_shot(None)
        self.boundary_plot.show_ghost(None)
        self._ghost_key = None
        if self.state is not None and not len(self.state.data.train):
            self.panel.say("There are no training points to fire: draw some, or choose a dataset.")

    def _drawn_network_is_the_shots(self) -> bool:
        """The network view shows the network the shot was fired through (a change may have
        rebuilt it since: then the shot is redrawn when the re-aimed state arrives)."""
        snapshot = self.controller.snapshot
        return self.shot is not None and snapshot is not None and tuple(snapshot.layer_sizes) == self.shot.layer_sizes

    @property
    def focus(self) -> int:
        """The shot's row the neurons describe: the chosen sample."""
        if self.shot is None:
            return 0
        return int(np.flatnonzero(self.shot.indices == self.row)[0]) if self.row in self.shot.indices else 0

    # ----- stages -----------------------------------------------------------------------------
    @property
    def stage(self) -> Stage | None:
        return None if self.shot is None else stages(self.shot.n_layers)[self.stage_index]

    def stage_count(self) -> int:
        return 0 if self.shot is None else len(stages(self.shot.n_layers))

    def go_to(self, index: int) -> None:
        if self.shot is None:
            return
        self.stage_index = max(0, min(int(index), self.stage_count() - 1))
        self._show_stage()

    def go_to_stage(self, name: str) -> None:
        if self.shot is not None:
            self.go_to(last_index_of(name, self.shot.n_layers))

    def next_stage(self) -> None:
        self.go_to(self.stage_index + 1)

    def previous_stage(self) -> None:
        self._stop_playing()
        self.go_to(self.stage_index - 1)

    def toggle_playing(self) -> None:
        if self._timer.isActive():
            self._stop_playing()
            return
        if self.shot is None:
            return
        if self.stage_index >= self.stage_count() - 1:
            self.go_to(0)  # from the start again
        self.panel.set_playing(True)
        self._timer.start(int(self.panel.seconds_per_stage() * 1000))

    @property
    def playing(self) -> bool:
        return self._timer.isActive()

    def _advance(self) -> None:
        self.next_stage()
        if self.stage_index < self.stage_count() - 1:
            self._timer.start(int(self.panel.seconds_per_stage() * 1000))
        else:
            self._stop_playing()

    def _stop_playing(self) -> None:
        self._timer.stop()
        self.panel.set_playing(False)

    def _show_stage(self) -> None:
        with np.errstate(all="ignore"):  # a diverged network's numbers are shown as NaN and ∞, not warned about
            self._draw_stage()

    def _draw_stage(self) -> None:
        shot, stage = self.shot, self.stage
        if stage is None or not self._drawn_network_is_the_shots():
            return
        html = stage_html(shot, stage, self.state.config, self.focus)
        self.panel.show_stage(self.stage_index, self.stage_count(), stage.name, stage.title(shot.n_layers), html)
        self.network_view.set_stage_view(stage_view(shot, stage, self.focus))
        if stage.name == "fire_again" and self.state.config.problem != "regression":
            self._show_ghost()  # a regression has no decision boundary
        else:
            self.boundary_plot.show_ghost(None)

    def _show_ghost(self) -> None:
        """The corrected network's decision boundary, dashed: where its output crosses 0, or for K
        classes the border of the region where it answers the focus sample's class."""
        key = (id(self.shot), self.focus)
        if self._ghost_key != key:
            after = network_of(self.shot.step.state_after)
            maps = GridEvaluator(self.state.config.features).evaluate(after)  # (n_nodes, res, res)
            if self.shot.multiclass:
                self._ghost_map = class_margin(maps[-self.shot.layer_sizes[-1]:], int(self.shot.classes[self.focus]))
            else:
                self._ghost_map = maps[-1]
            self._ghost_key = key
        self.boundary_plot.show_ghost(self._ghost_map)

    # ----- selection: a neuron's card, or a weight's chain rule, slope and check ----------------
    def select(self, target: Target) -> None:
        if self._asked:  # a click on the network now shown: kept (and checked) for the shot on its way
            self.selected = target
            return
        if self.shot is None or not self._valid(target) or not self._drawn_network_is_the_shots():
            return
        self.selected = target
        self._show_selection()

    def _factor_hovered(self, target: Target | None) -> None:
        """Mark the factor's item while hovered; then the selection again."""
        if self._drawn_network_is_the_shots():
            self.network_view.highlight(target if target is not None else self.selected)

    def _valid(self, target: Target) -> bool:
        sizes = self.shot.layer_sizes if self.shot is not None else ()
        kind = target[0]
        if kind == "feature":
            return self.state is not None and target[1] in self.state.config.features
        if kind == "node":
            return 1 <= target[1] < len(sizes) and target[2] < sizes[target[1]]
        if kind == "bias":
            return target[1] < len(sizes) - 1 and target[2] < sizes[target[1] + 1]
        if kind == "edge":
            return target[1] < len(sizes) - 1 and target[2] < sizes[target[1]] and target[3] < sizes[target[1] + 1]
        return False

    def _show_selection(self) -> None:
        with np.errstate(all="ignore"):  # as _show_stage
            self._draw_selection()

    def _draw_selection(self) -> None:
        target, shot, panel = self.selected, self.shot, self.panel
        if shot is not None and not self._drawn_network_is_the_shots():
            return
        self.network_view.highlight(target)
        if target is None or shot is None:
            panel.show_hint()
            panel.slope_view.clear("Click an edge or a bias to see E along that parameter.")
            panel.gradient_check_view.clear("Click an edge or a bias to check its gradient.")
            return
        if target[0] in ("node", "feature"):
            layer, j = (0, self.state.config.features.index(target[1])) if target[0] == "feature" else target[1:]
            panel.neuron_card.show_neuron(shot, layer, j, self.focus, self._name_of)
            panel.cards.setCurrentWidget(panel.neuron_card)
            return
        layer, row, neuron = self._parameter(target)
        rule = chain_rule(shot, layer, row, neuron, self.focus)
        name = self._parameter_name(layer, row, neuron)
        panel.chain_rule_card.show_rule(rule, shot, self._name_of, name, self.state.config.features)
        panel.cards.setCurrentWidget(panel.chain_rule_card)
        index = parameter_index(shot.layer_sizes, layer, row, neuron)
        panel.slope_view.show_slope(slope_data(self.state, shot, index, self._slope_points()), name)
        panel.gradient_check_view.show_check(self.state, shot, index, name, self._label_of)

    def _slope_points(self) -> int:
        """How many values the slope view evaluates: 201, fewer (never under 21) when one pass
        over the training set is heavy, so a huge network's selection costs ~10⁹ multiply-adds."""
        work = self.shot.step.params_before.size * (len(self.state.data.train) + self.shot.m)
        return int(np.clip(1e9 // max(work, 1), 21, 201)) | 1  # odd: the current value is the middle

    def _label_of(self, index: int) -> str:
        layer, row, neuron = parameter_of(self.shot.layer_sizes, index)
        return self._parameter_name(layer, row, neuron)

    def _chosen_in_table(self, index: int) -> None:
        layer, row, neuron = parameter_of(self.shot.layer_sizes, index)
        bias = row == self.shot.layer_sizes[layer]
        self.select(("bias", layer, neuron) if bias else ("edge", layer, row, neuron))

    def _parameter(self, target: Target) -> tuple[int, int, int]:
        """(weight layer, row, neuron) of an edge or a bias (row n_in)."""
        if target[0] == "edge":
            return int(target[1]), int(target[2]), int(target[3])
        layer = int(target[1])
        return layer, self.shot.layer_sizes[layer], int(target[2])

    def _name_of(self, layer: int, neuron: int) -> str:
        return network_text.node_name(self.controller.snapshot, layer, neuron)

    def _weight_label(self, layer: int, i: int, j: int) -> str:
        return f"w {network_text.edge_name(self.controller.snapshot, layer, i, j)}"

    def _bias_label(self, layer: int, j: int) -> str:
        return f"b of {self._name_of(layer + 1, j)}"

    def _parameter_name(self, layer: int, row: int, neuron: int) -> str:
        if row == self.shot.layer_sizes[layer]:
            return self._bias_label(layer, neuron)
        return self._weight_label(layer, row, neuron)

    def _weight_dragged(self, value: float) -> None:
        if self.selected is None or self.shot is None:
            return
        layer, row, neuron = self._parameter(self.selected)
        if row == self.shot.layer_sizes[layer]:
            self.controller.set_bias(layer, neuron, value)
        else:
            self.controller.set_weight(layer, row, neuron, value)

    # ----- applying -----------------------------------------------------------------------------
    def apply_shot(self) -> None:
        """Exactly the update shown, made to the real network; the inspector then re-aims."""
        if self.shot is None:
            return
        self._stop_playing()
        self.stage_index = 0
        self.controller.apply_shot(self.shot.points.copy())


def _fingerprint(snapshot) -> tuple:
    """What a shot depends on, as a snapshot shows it: a paused snapshot with the same one (a
    pause, a redraw) needs no new shot."""
    return (
        snapshot.epoch, snapshot.config, snapshot.data_version, snapshot.layer_sizes,
        b"".join(w.tobytes() for w in snapshot.weights), b"".join(b.tobytes() for b in snapshot.biases),
    )
