"""What a change of settings does, decided in one place, and the pure edits that make them.

Every front end (the window's controls, the worker, `playground train`) describes a change as
an *edit* of the config in force — "set the learning rate to 0.1", "add a neuron to hidden
layer 1", "toggle x1²" — rather than as a whole new config built from what it last saw. The
worker applies each edit to its own current config in arrival order, so two quick clicks are
two changes, never one overwriting the other.

What a change needs, from cheapest to dearest:
    NOTHING   the config is unchanged (re-picking the current problem type, say)
    LIVE      learning rate, regularization, its rate, optimizer, batch size: same network
    NETWORK   features, hidden layers, activation: a new network on the same points
    DATA      problem, classes, dataset, noise, train ratio, seed: new points and a new network
              (classes only matters to multiclass: elsewhere a change of it needs NOTHING)
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from playground.engine.config import CONFIG_KEYS, Config
from playground.engine.data import csv_classes, is_builtin_dataset
from playground.engine.datasets import default_dataset, load_csv
from playground.engine.trainer import HYPERPARAMETERS

NOTHING, LIVE, NETWORK, DATA = "nothing", "live", "network", "data"
DATA_KEYS: tuple[str, ...] = ("problem", "classes", "dataset", "noise", "train_ratio", "seed")
NETWORK_KEYS: tuple[str, ...] = ("features", "hidden", "activation")
LIVE_KEYS: tuple[str, ...] = HYPERPARAMETERS
# Every key has exactly one effect: a key left out would count as live and be silently dropped.
assert sorted(DATA_KEYS + NETWORK_KEYS + LIVE_KEYS) == sorted(CONFIG_KEYS), "config_edits: classify every config key"

# The playground's architecture buttons stop at 6 hidden layers of 8 neurons; a config from a
# file may hold more (up to the config's own caps), which the buttons then only reduce.
BUTTON_MAX_LAYERS = 6
BUTTON_MAX_WIDTH = 8
NEW_LAYER_WIDTH = 2  # the playground's "+" adds a layer of two neurons


ORDER = (NOTHING, LIVE, NETWORK, DATA)


def effect(old: Config, new: Config) -> str:
    """What moving from ``old`` to ``new`` needs: NOTHING, LIVE, NETWORK or DATA."""
    changed = {key for key, value in new.to_dict().items() if value != old.to_dict()[key]}
    if "multiclass" not in (old.problem, new.problem):
        changed.discard("classes")
    if changed & set(DATA_KEYS):
        return DATA
    if changed & set(NETWORK_KEYS):
        return NETWORK
    return LIVE if changed else NOTHING


def with_changes(config: Config, changes: Mapping[str, Any]) -> Config:
    """``config`` with ``changes`` applied and validated (ConfigError names a bad value).

    A new problem type brings its default dataset unless ``changes`` names one, or the
    current dataset is the user's CSV file (their points are kept; the CSV reader then
    checks their labels suit the new problem).
    """
    changes = dict(changes)
    problem = changes.get("problem", config.problem)
    if problem != config.problem and "dataset" not in changes and is_builtin_dataset(config.dataset):
        changes["dataset"] = default_dataset(problem)
    return config.replace(**changes)


# ----- edits: small immutable values, safe to queue across threads ----------------------
@dataclass(frozen=True)
class SetValue:
    """Set one config key (learning_rate, dataset, seed, ...)."""

    key: str
    value: Any

    def apply(self, config: Config) -> Config:
        return with_changes(config, {self.key: self.value})


@dataclass(frozen=True)
class LoadPoints:
    """Read the user's points from a CSV file: always new data, even from the path in force
    (the learner fixed the file and loads it again). For multiclass the file's labels decide
    how many classes there are (DataError if they are not class indices)."""

    path: str
    needs = DATA  # at least, whatever the config says

    def apply(self, config: Config) -> Config:
        changes: dict[str, Any] = {"dataset": self.path}
        if config.problem == "multiclass":
            changes["classes"] = csv_classes(load_csv(self.path, "multiclass"))
        return with_changes(config, changes)


@dataclass(frozen=True)
class ToggleFeature:
    """Feed a feature to the network, or stop feeding it; the last input always stays."""

    name: str

    def apply(self, config: Config) -> Config:
        features = config.features
        if self.name in features:
            if len(features) == 1:
                return config
            return config.replace(features=[f for f in features if f != self.name])
        return config.replace(features=[*features, self.name])


@dataclass(frozen=True)
class AddLayer:
    def apply(self, config: Config) -> Config:
        if len(config.hidden) >= BUTTON_MAX_LAYERS:
            return config
        return config.replace(hidden=[*config.hidden, NEW_LAYER_WIDTH])


@dataclass(frozen=True)
class RemoveLayer:
    def apply(self, config: Config) -> Config:
        return config.replace(hidden=list(config.hidden[:-1])) if config.hidden else config


@dataclass(frozen=True)
class ChangeWidth:
    """One more (delta = +1) or one fewer (−1) neuron in hidden layer ``layer`` (from 0)."""

    layer: int
    delta: int

    def apply(self, config: Config) -> Config:
        hidden = list(config.hidden)
        if not 0 <= self.layer < len(hidden):
            return config  # the layer went away before this click arrived
        width = hidden[self.layer]
        if self.delta > 0 and width >= BUTTON_MAX_WIDTH:
            return config
        hidden[self.layer] = max(1, width + self.delta)
        return config.replace(hidden=hidden)


Edit = SetValue | LoadPoints | ToggleFeature | AddLayer | RemoveLayer | ChangeWidth


def needs_of(edit: Edit, old: Config, new: Config) -> str:
    """What applying ``edit`` (which turned ``old`` into ``new``) needs: the config's effect, or
    more where the edit itself asks for more (LoadPoints)."""
    needs = effect(old, new)
    floor = getattr(edit, "needs", NOTHING)
    return max(needs, floor, key=ORDER.index)
