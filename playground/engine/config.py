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
from collections.abc import Callable, Mapping
from typing import Any

from playground.engine.files import FileFormatError, atomic_write_text, read_json

PROBLEM_NAMES: tuple[str, ...] = ("classification", "regression")
CLASSIFICATION_DATASETS: tuple[str, ...] = ("circle", "xor", "gauss", "spiral")
REGRESSION_DATASETS: tuple[str, ...] = ("plane", "multigauss")
ACTIVATION_NAMES: tuple[str, ...] = (
    "relu", "tanh", "sigmoid", "linear", "leaky_relu", "elu", "swish", "sine", "gaussian",
)
REGULARIZATION_NAMES: tuple[str, ...] = ("none", "l1", "l2")
OPTIMIZER_NAMES: tuple[str, ...] = ("sgd", "momentum", "adam")
# Same order as the playground's feature column; the functions live in another module.
FEATURE_NAMES: tuple[str, ...] = (
    "x1", "x2", "x1_squared", "x2_squared", "x1_x2", "sin_x1", "sin_x2",
)
# The value lists the playground's drop-downs offer; any value in range is accepted.
PRESETS: dict[str, tuple[float, ...]] = {
    "learning_rate": (0.00001, 0.0001, 0.001, 0.003, 0.01, 0.03, 0.1, 0.3, 1, 3, 10),
    "regularization_rate": (0, 0.001, 0.003, 0.01, 0.03, 0.1, 0.3, 1, 3, 10),
}

# These caps are far beyond the playground's UI (batch 1-30, 0-6 layers of 1-8 neurons);
# they exist only to stop absurd input (a typo that would exhaust memory), not to limit use.
MAX_BATCH_SIZE = 100_000
MAX_HIDDEN_LAYERS = 64
MAX_LAYER_WIDTH = 4096
MAX_SEED = 2**32 - 1
MAX_RATE = 100

_DATASET_TAIL = "or the path of a CSV file"
_FEATURES_ALLOWED = "a non-empty list of distinct names from " + ", ".join(FEATURE_NAMES)
_HIDDEN_ALLOWED = (
    f"a list of 0 to {MAX_HIDDEN_LAYERS} integers from 1 to {MAX_LAYER_WIDTH}"
)


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


# ---------------------------------------------------------------- field checks

def _check_number(key: str, value: Any, low: float, high: float, low_open: bool = False) -> float:
    allowed = (
        f"a number greater than {low:g} and at most {high:g}" if low_open
        else f"a number from {low:g} to {high:g}"
    )
    number = _real(value)
    if number is None:
        raise _refuse(key, value, "is not a number", allowed)
    if isinstance(value, float) and not math.isfinite(value):
        raise _refuse(key, value, "is not a finite number", allowed)
    if number > high or number < low or (low_open and number == low):
        raise _refuse(key, value, "is out of range", allowed)
    return number


def _check_integer(key: str, value: Any, low: int, high: int) -> int:
    allowed = f"an integer from {low} to {high}"
    if _real(value) is None:
        raise _refuse(key, value, "is not a number", allowed)
    whole = _whole(value)
    if whole is None:
        raise _refuse(key, value, "is not a whole number", allowed)
    if not low <= whole <= high:
        raise _refuse(key, value, "is out of range", allowed)
    return whole


def _check_choice(key: str, value: Any, names: tuple[str, ...]) -> str:
    allowed = ", ".join(names)
    if not isinstance(value, str):
        raise _refuse(key, value, "is not a name", allowed)
    if value not in names:
        raise _refuse(key, value, "is not allowed", allowed)
    return value


def _check_list(key: str, value: Any, allowed: str) -> tuple[Any, ...]:
    if not isinstance(value, (list, tuple)):
        raise _refuse(key, value, "is not a list", allowed)
    return tuple(value)


def _check_hidden(value: Any) -> tuple[int, ...]:
    items = _check_list("hidden", value, _HIDDEN_ALLOWED)
    if len(items) > MAX_HIDDEN_LAYERS:
        raise _refuse("hidden", value, f"has {len(items)} layers", _HIDDEN_ALLOWED)
    widths = []
    for item in items:
        width = _whole(item)
        if width is None:
            problem = f"has a width of {_show(item)}, which is not an integer"
            raise _refuse("hidden", value, problem, _HIDDEN_ALLOWED)
        if not 1 <= width <= MAX_LAYER_WIDTH:
            raise _refuse("hidden", value, f"has a width of {width}", _HIDDEN_ALLOWED)
        widths.append(width)
    return tuple(widths)


def _check_features(value: Any) -> tuple[str, ...]:
    items = _check_list("features", value, _FEATURES_ALLOWED)
    if not items:
        raise _refuse("features", value, "is empty", _FEATURES_ALLOWED)
    seen: set[str] = set()
    for item in items:
        if not isinstance(item, str) or item not in FEATURE_NAMES:
            raise _refuse("features", value, f"contains {_show(item)}", _FEATURES_ALLOWED)
        if item in seen:
            raise _refuse("features", value, f"repeats {_show(item)}", _FEATURES_ALLOWED)
        seen.add(item)
    return items


def _check_dataset(value: Any, problem: str) -> str:
    own, other = (
        (CLASSIFICATION_DATASETS, REGRESSION_DATASETS) if problem == "classification"
        else (REGRESSION_DATASETS, CLASSIFICATION_DATASETS)
    )
    allowed = f"{', '.join(own)}, {_DATASET_TAIL}"
    if not isinstance(value, str):
        raise _refuse("dataset", value, "is not a name or a path", allowed)
    if not value.strip():
        raise _refuse("dataset", value, "is empty", allowed)
    if value in other:
        other_problem = "regression" if problem == "classification" else "classification"
        problem_text = f"is a {other_problem} dataset, not a {problem} one"
        raise _refuse("dataset", value, problem_text, allowed)
    return value


# ---------------------------------------------------------------- the config

@dataclasses.dataclass(frozen=True, kw_only=True)
class Config:
    """One experiment's settings; construction validates and normalises every field."""

    problem: str = "classification"
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
            if key not in CONFIG_KEYS:
                raise ConfigError(
                    f"config key {_show(key)} (value {_show(data[key])}) is not known; "
                    f"allowed keys: {', '.join(CONFIG_KEYS)}"
                )
        values = dict(data)
        if "dataset" not in values and values.get("problem") == "regression":
            values["dataset"] = REGRESSION_DATASETS[0]
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


def _json_kind(data: object) -> str:
    kinds = {list: "a list", str: "a string", bool: "true or false", type(None): "null"}
    return kinds.get(type(data), "a number")


def _validated(config: Config) -> dict[str, Any]:
    """Every field of `config`, checked and normalised, in field order."""
    problem = _check_choice("problem", config.problem, PROBLEM_NAMES)
    return {
        "problem": problem,
        "dataset": _check_dataset(config.dataset, problem),
        "noise": _check_number("noise", config.noise, 0, 50),
        "train_ratio": _check_number("train_ratio", config.train_ratio, 10, 90),
        "batch_size": _check_integer("batch_size", config.batch_size, 1, MAX_BATCH_SIZE),
        "hidden": _check_hidden(config.hidden),
        "activation": _check_choice("activation", config.activation, ACTIVATION_NAMES),
        "learning_rate": _check_number(
            "learning_rate", config.learning_rate, 0, MAX_RATE, low_open=True
        ),
        "regularization": _check_choice(
            "regularization", config.regularization, REGULARIZATION_NAMES
        ),
        "regularization_rate": _check_number(
            "regularization_rate", config.regularization_rate, 0, MAX_RATE
        ),
        "features": _check_features(config.features),
        "optimizer": _check_choice("optimizer", config.optimizer, OPTIMIZER_NAMES),
        "seed": _check_integer("seed", config.seed, 0, MAX_SEED),
    }


# ---------------------------------------------------------------- command-line values

_NUMBER_ALLOWED: dict[str, str] = {
    "noise": "a number from 0 to 50",
    "train_ratio": "a number from 10 to 90",
    "learning_rate": f"a number greater than 0 and at most {MAX_RATE}",
    "regularization_rate": f"a number from 0 to {MAX_RATE}",
}
_INTEGER_ALLOWED: dict[str, str] = {
    "batch_size": f"an integer from 1 to {MAX_BATCH_SIZE}",
    "seed": f"an integer from 0 to {MAX_SEED}",
}


def _parse_number(key: str, text: str) -> float:
    try:
        return float(text)
    except ValueError:
        raise _refuse(key, text, "is not a number", _NUMBER_ALLOWED[key]) from None


def _parse_integer(key: str, text: str, allowed: str) -> int:
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


def _parse_hidden(text: str) -> tuple[int, ...]:
    parts = _split_list(text)
    for part in parts:
        if not part:
            raise _refuse("hidden", text, "has an empty width", _HIDDEN_ALLOWED)
    return tuple(_parse_integer("hidden", part, _HIDDEN_ALLOWED) for part in parts)


_PARSERS: dict[str, Callable[[str], object]] = {
    "hidden": _parse_hidden,
    "features": lambda text: tuple(_split_list(text)),
    **{key: (lambda text, key=key: _parse_number(key, text)) for key in _NUMBER_ALLOWED},
    **{
        key: (lambda text, key=key: _parse_integer(key, text, _INTEGER_ALLOWED[key]))
        for key in _INTEGER_ALLOWED
    },
}


def parse_value(key: str, text: str) -> object:
    """Turn a command-line string into the type `key` wants (ranges are checked by Config).

    hidden: '4,2' (or '' for no hidden layers); features: 'x1,x2'; numbers via int/float;
    names and the dataset path are returned stripped of surrounding spaces.
    """
    if key not in CONFIG_KEYS:
        raise ConfigError(
            f"config key {_show(key)} (value {_show(text)}) is not known; "
            f"allowed keys: {', '.join(CONFIG_KEYS)}"
        )
    parser = _PARSERS.get(key)
    return parser(text) if parser else text.strip()
