"""The experiment configuration: every control of the playground, validated on construction.

Field names are the playground's controls in snake_case and the defaults are its defaults
(TensorFlow Playground's: circle, tanh, hidden [4, 2], rate 0.03, batch 10). Every refusal is a `ConfigError` with
one line naming the key, the value given and what is allowed; nothing is silently clamped.
"""

from __future__ import annotations

import dataclasses
import json
import math
import numbers
import os
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from playground.engine.activations import ACTIVATION_NAMES
from playground.engine.datasets import (
    CLASSIFICATION_DATASETS,
    DATASET_POINTS,
    MAX_CLASSES,
    MAX_NOISE,
    MIN_CLASSES,
    PROBLEM_NAMES,
    REGRESSION_DATASETS,
    datasets_of,
    default_dataset,
)
from playground.engine.features import FEATURE_NAMES
from playground.engine.files import FileFormatError, atomic_write_text, read_json
from playground.engine.optimizers import OPTIMIZER_NAMES
from playground.engine.regularization import REGULARIZATION_NAMES
from playground.engine.size_limits import batch_size_problem, network_size_problem

# The names come from the registries (activations, datasets, features, optimizers,
# regularization), each entry with its display label; they are re-exported here for callers.
__all__ = [
    "ACTIVATION_NAMES", "CLASSIFICATION_DATASETS", "CONFIG_KEYS", "FEATURE_NAMES", "FIELDS", "OPTIMIZER_NAMES",
    "PRESETS", "PROBLEM_NAMES", "REGRESSION_DATASETS", "REGULARIZATION_NAMES", "Config", "ConfigError", "parse_value",
]

# The value lists the playground's drop-downs offer; any value in range is accepted.
PRESETS: dict[str, tuple[float, ...]] = {
    "learning_rate": (0.00001, 0.0001, 0.001, 0.003, 0.01, 0.03, 0.1, 0.3, 1, 3, 10),
    "regularization_rate": (0, 0.001, 0.003, 0.01, 0.03, 0.1, 0.3, 1, 3, 10),
}

# These caps are far beyond the playground's UI (batch 1-30, 0-6 layers of 1-8 neurons);
# they exist only to stop absurd input, not to limit use. A network too large for memory as a
# whole is refused by the limits of size_limits.py (parameters, hidden neurons, batch × neurons).
MAX_BATCH_SIZE = 100_000
MAX_HIDDEN_LAYERS = 64
MAX_LAYER_WIDTH = 4096
MAX_SEED = 2**31 - 1  # the largest the window's seed box (a Qt int) can show
MAX_RATE = 100


class ConfigError(ValueError):
    """A configuration value (or file) was refused; the message is one line."""


def _show(value: object) -> str:
    """The value as the user would recognise it, on one short line."""
    if isinstance(value, (list, tuple)):
        text = "[" + ", ".join(_show(v) for v in value) + "]"
    else:
        try:
            text = repr(value)
        except ValueError:  # an int with more digits than Python will print
            text = "<a very large integer>"
    return text if len(text) <= 80 else text[:77] + "..."


def _refuse(key: str, value: object, problem: str, allowed: str) -> ConfigError:
    return ConfigError(f"config key '{key}': {_show(value)} {problem}; allowed: {allowed}")


def _unknown_key(key: object, value: object) -> ConfigError:
    return ConfigError(
        f"config key {_show(key)} (value {_show(value)}) is not known; allowed keys: {', '.join(CONFIG_KEYS)}"
    )


# ---------------------------------------------------------------- type rules

def _real(value: object) -> float | None:
    """`value` as a float if it is a number (never a bool or a string), else None."""
    if isinstance(value, bool) or not isinstance(value, numbers.Real):
        return None
    try:
        return float(value)
    except OverflowError:  # an int too large for a float
        return math.inf if value > 0 else -math.inf  # type: ignore[operator]


def _whole(value: object) -> int | None:
    """`value` as an int if it is an integer or an integral float, else None."""
    if isinstance(value, bool):
        return None
    if isinstance(value, numbers.Integral):
        return int(value)
    number = _real(value)
    if number is None or not number.is_integer():
        return None
    return int(number)


def _parse_integer(key: str, text: str, allowed: str) -> int:
    """A command-line integer ('30' or '30.0'); range checks are the field's."""
    try:
        return int(text)
    except ValueError:
        pass
    try:
        number = float(text)
    except ValueError:
        raise _refuse(key, text, "is not a number", allowed) from None
    if not number.is_integer():
        raise _refuse(key, text, "is not a whole number", allowed)
    return int(number)


def _split_list(text: str) -> list[str]:
    """'4,2' or '[4, 2]' -> ['4', '2']; '' -> []."""
    inner = text.strip()
    if inner.startswith("[") and inner.endswith("]"):
        inner = inner[1:-1].strip()
    return [part.strip() for part in inner.split(",")] if inner else []


# ---------------------------------------------------------------- field specs
# One spec per key: `check` validates and normalises a value (from Python, JSON or the window),
# `parse` turns command-line text into the value's type; both refuse with the same `allowed`.

class Field:
    """A name field: the text, stripped; subclasses check."""

    allowed = ""

    def check(self, key: str, value: Any, checked: Mapping[str, Any]) -> Any:
        """`value` normalised; ``checked`` holds the fields before this one, already checked."""
        return value

    def parse(self, key: str, text: str) -> Any:
        return text.strip()


@dataclass(frozen=True)
class NumberField(Field):
    low: float
    high: float
    low_open: bool = False  # low itself is not allowed

    @property
    def allowed(self) -> str:  # type: ignore[override]
        if self.low_open:
            return f"a number greater than {self.low:g} and at most {self.high:g}"
        return f"a number from {self.low:g} to {self.high:g}"

    def check(self, key: str, value: Any, checked: Mapping[str, Any]) -> float:
        number = _real(value)
        if number is None:
            raise _refuse(key, value, "is not a number", self.allowed)
        if isinstance(value, float) and not math.isfinite(value):
            raise _refuse(key, value, "is not a finite number", self.allowed)
        if number > self.high or number < self.low or (self.low_open and number == self.low):
            raise _refuse(key, value, "is out of range", self.allowed)
        return number

    def parse(self, key: str, text: str) -> float:
        try:
            return float(text)
        except ValueError:
            raise _refuse(key, text, "is not a number", self.allowed) from None


@dataclass(frozen=True)
class IntegerField(Field):
    low: int
    high: int

    @property
    def allowed(self) -> str:  # type: ignore[override]
        return f"an integer from {self.low} to {self.high}"

    def check(self, key: str, value: Any, checked: Mapping[str, Any]) -> int:
        if _real(value) is None:
            raise _refuse(key, value, "is not a number", self.allowed)
        whole = _whole(value)
        if whole is None:
            raise _refuse(key, value, "is not a whole number", self.allowed)
        if not self.low <= whole <= self.high:
            raise _refuse(key, value, "is out of range", self.allowed)
        return whole

    def parse(self, key: str, text: str) -> int:
        return _parse_integer(key, text, self.allowed)


@dataclass(frozen=True)
class ChoiceField(Field):
    names: tuple[str, ...]  # from a registry

    @property
    def allowed(self) -> str:  # type: ignore[override]
        return ", ".join(self.names)

    def check(self, key: str, value: Any, checked: Mapping[str, Any]) -> str:
        if not isinstance(value, str):
            raise _refuse(key, value, "is not a name", self.allowed)
        if value not in self.names:
            raise _refuse(key, value, "is not allowed", self.allowed)
        return value


class DatasetField(Field):
    """A built-in dataset of the checked problem, or the path of a CSV file."""

    def check(self, key: str, value: Any, checked: Mapping[str, Any]) -> str:
        problem = checked["problem"]
        own = datasets_of(problem)
        allowed = f"{', '.join(own)}, or the path of a CSV file"
        if not isinstance(value, str):
            raise _refuse(key, value, "is not a name or a path", allowed)
        if not value.strip():
            raise _refuse(key, value, "is empty", allowed)
        for other_problem in PROBLEM_NAMES:
            if value not in own and value in datasets_of(other_problem):
                raise _refuse(key, value, f"is a {other_problem} dataset, not a {problem} one", allowed)
        return value


def _check_list(key: str, value: Any, allowed: str) -> tuple[Any, ...]:
    if not isinstance(value, (list, tuple)):
        raise _refuse(key, value, "is not a list", allowed)
    return tuple(value)


class HiddenField(Field):
    """The width of each hidden layer, input to output; on the command line '4,2' or ''."""

    allowed = f"a list of 0 to {MAX_HIDDEN_LAYERS} integers from 1 to {MAX_LAYER_WIDTH}"

    def check(self, key: str, value: Any, checked: Mapping[str, Any]) -> tuple[int, ...]:
        items = _check_list(key, value, self.allowed)
        if len(items) > MAX_HIDDEN_LAYERS:
            raise _refuse(key, value, f"has {len(items)} layers", self.allowed)
        widths = []
        for item in items:
            width = _whole(item)
            if width is None:
                problem = f"has a width of {_show(item)}, which is not an integer"
                raise _refuse(key, value, problem, self.allowed)
            if not 1 <= width <= MAX_LAYER_WIDTH:
                raise _refuse(key, value, f"has a width of {width}", self.allowed)
            widths.append(width)
        return tuple(widths)

    def parse(self, key: str, text: str) -> tuple[int, ...]:
        parts = _split_list(text)
        if any(not part for part in parts):
            raise _refuse(key, text, "has an empty width", self.allowed)
        return tuple(_parse_integer(key, part, self.allowed) for part in parts)


class FeaturesField(Field):
    """Distinct feature names; on the command line 'x1,x2'."""

    allowed = "a non-empty list of distinct names from " + ", ".join(FEATURE_NAMES)

    def check(self, key: str, value: Any, checked: Mapping[str, Any]) -> tuple[str, ...]:
        items = _check_list(key, value, self.allowed)
        if not items:
            raise _refuse(key, value, "is empty", self.allowed)
        seen: set[str] = set()
        for item in items:
            if not isinstance(item, str) or item not in FEATURE_NAMES:
                raise _refuse(key, value, f"contains {_show(item)}", self.allowed)
            if item in seen:
                raise _refuse(key, value, f"repeats {_show(item)}", self.allowed)
            seen.add(item)
        return items

    def parse(self, key: str, text: str) -> tuple[str, ...]:
        return tuple(_split_list(text))


# In Config's field order; a field's check may read the fields above it (dataset reads problem).
FIELDS: dict[str, Field] = {
    "problem": ChoiceField(PROBLEM_NAMES),
    "classes": IntegerField(MIN_CLASSES, MAX_CLASSES),
    "dataset": DatasetField(),
    "noise": NumberField(0, MAX_NOISE),
    "train_ratio": NumberField(10, 90),
    "batch_size": IntegerField(1, MAX_BATCH_SIZE),
    "hidden": HiddenField(),
    "activation": ChoiceField(ACTIVATION_NAMES),
    "learning_rate": NumberField(0, MAX_RATE, low_open=True),
    "regularization": ChoiceField(REGULARIZATION_NAMES),
    "regularization_rate": NumberField(0, MAX_RATE),
    "features": FeaturesField(),
    "optimizer": ChoiceField(OPTIMIZER_NAMES),
    "seed": IntegerField(0, MAX_SEED),
}


# ---------------------------------------------------------------- the config

@dataclasses.dataclass(frozen=True, kw_only=True)
class Config:
    """One experiment's settings; construction validates and normalises every field."""

    problem: str = "classification"
    classes: int = 3  # how many classes a multiclass problem has (labels 0 … K−1); unused otherwise
    dataset: str = "circle"  # a built-in name of `problem`, else the path of a CSV file
    noise: float = 0.0  # percent, 0-50
    train_ratio: float = 50.0  # percent of points used for training, 10-90
    batch_size: int = 10
    hidden: tuple[int, ...] = (4, 2)  # width of each hidden layer, input to output
    activation: str = "tanh"  # of every hidden neuron
    learning_rate: float = 0.03
    regularization: str = "none"
    regularization_rate: float = 0.0
    features: tuple[str, ...] = ("x1", "x2")
    optimizer: str = "sgd"
    seed: int = 1  # reproduces data, split and initial weights

    def __post_init__(self) -> None:
        for key, value in _validated(self).items():
            object.__setattr__(self, key, value)

    @property
    def n_outputs(self) -> int:
        """Output neurons: one per class for multiclass (softmax), else one."""
        return self.classes if self.problem == "multiclass" else 1

    @property
    def layer_sizes(self) -> tuple[int, ...]:
        """(n_features, *hidden, n_outputs): the network this config builds."""
        return (len(self.features), *self.hidden, self.n_outputs)

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Config:
        """Build from a mapping (e.g. parsed JSON); missing keys take their defaults.

        The default dataset follows the problem: 'circle' for classification, 'plane' for
        regression, so {"problem": "regression"} alone is a valid config.
        """
        if not isinstance(data, Mapping):
            raise ConfigError(
                f"config must be a mapping of keys to values, not {type(data).__name__}; "
                f"allowed keys: {', '.join(CONFIG_KEYS)}"
            )
        for key in data:
            if key not in FIELDS:
                raise _unknown_key(key, data[key])
        values = dict(data)
        problem = values.get("problem", cls.problem)
        if "dataset" not in values and isinstance(problem, str) and problem in PROBLEM_NAMES:
            values["dataset"] = default_dataset(problem)
        return cls(**values)

    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready dict in field order (lists, not tuples)."""
        result: dict[str, Any] = {}
        for key in CONFIG_KEYS:
            value = getattr(self, key)
            result[key] = list(value) if isinstance(value, tuple) else value
        return result

    def replace(self, **changes: Any) -> Config:
        """A copy with `changes` applied, validated like a new Config."""
        return Config.from_dict({**self.to_dict(), **changes})

    @classmethod
    def load(cls, path: str | os.PathLike[str]) -> Config:
        """Read a config saved by `save`; any problem is a ConfigError naming the file."""
        try:
            data = read_json(path, "config")
        except FileFormatError as exc:
            raise ConfigError(str(exc)) from None
        where = f"cannot read config '{os.fspath(path)}'"
        if not isinstance(data, dict):
            raise ConfigError(f"{where}: expected a JSON object, found {_json_kind(data)}")
        try:
            return cls.from_dict(data)
        except ConfigError as exc:
            raise ConfigError(f"{where}: {exc}") from None

    def save(self, path: str | os.PathLike[str]) -> None:
        """Write as pretty-printed JSON, atomically (the old file survives a failure)."""
        text = json.dumps(self.to_dict(), indent=2, allow_nan=False) + "\n"
        atomic_write_text(path, text)


CONFIG_KEYS: tuple[str, ...] = tuple(f.name for f in dataclasses.fields(Config))
if CONFIG_KEYS != tuple(FIELDS):
    raise RuntimeError(f"Config's fields {CONFIG_KEYS} and FIELDS {tuple(FIELDS)} must match")


def _json_kind(data: object) -> str:
    kinds = {list: "a list", str: "a string", bool: "true or false", type(None): "null"}
    return kinds.get(type(data), "a number")


def _validated(config: Config) -> dict[str, Any]:
    """Every field of `config`, checked and normalised, in field order; then the network's size."""
    checked: dict[str, Any] = {}
    for key, field in FIELDS.items():
        checked[key] = field.check(key, getattr(config, key), checked)
    _check_size(checked)
    return checked


def _check_size(checked: Mapping[str, Any]) -> None:
    """Refuse a network (or a batch through it) too large for memory, before anything is built."""
    hidden, batch_size = checked["hidden"], checked["batch_size"]
    problem = network_size_problem(len(checked["features"]), hidden)  # counts one output: K ≤ 8 is noise
    if problem:
        raise _refuse("hidden", hidden, *problem)
    n_train = _training_points(checked)
    problem = batch_size_problem(hidden, batch_size if n_train is None else min(batch_size, n_train))
    if problem:
        raise _refuse("batch_size", batch_size, *problem)


def _training_points(checked: Mapping[str, Any]) -> int | None:
    """How many training points a built-in dataset gives (as shuffle_split); None for a CSV file."""
    points = DATASET_POINTS.get(checked["dataset"])
    return None if points is None else math.floor(points * checked["train_ratio"] / 100)


# ---------------------------------------------------------------- command-line values

def parse_value(key: str, text: str) -> object:
    """Turn a command-line string into the type `key` wants (ranges are checked by Config).

    hidden: '4,2' (or '' for no hidden layers); features: 'x1,x2'; numbers via int/float;
    names and the dataset path are returned stripped of surrounding spaces.
    """
    if key not in FIELDS:
        raise _unknown_key(key, text)
    return FIELDS[key].parse(key, text)
