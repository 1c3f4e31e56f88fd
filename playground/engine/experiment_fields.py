"""The parts of an experiment file shared by its codecs (experiment.py's state, and the kept
checkpoints of checkpoint_files.py): checked JSON numbers, per-layer lists of flat vectors laid out
like ``Network.params``, and the "training" object (optimizer state, dead weights, pending and last
gradient sums). Every refusal is an ExperimentError of one line naming the key and what is allowed.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from playground.engine.config import Config
from playground.engine.data import SplitData
from playground.engine.datasets import first_bad_label
from playground.engine.network import Network
from playground.engine.optimizers import make_optimizer
from playground.engine.trainer import output_activation
from playground.engine.trainer_state import TrainerState

TRAINING_KEYS = ("optimizer", "dead", "pending", "last_update")


class ExperimentError(ValueError):
    """An experiment file was refused; the message is one line."""


def check_finite(state: TrainerState) -> None:
    """Refuse a diverged state: JSON has no NaN, and such a state cannot continue."""
    if not np.isfinite(state.params).all():
        raise ExperimentError("the network has diverged (a weight is NaN or infinite); reset it before saving")
    for name, vector in (("pending gradient", state.pending_sum), ("last gradient", state.last_sum)):
        if not np.isfinite(vector).all():
            raise ExperimentError(f"the {name} is NaN or infinite (training diverged); reset before saving")
    if not all(np.isfinite(v).all() for v in state.optimizer.values()):
        raise ExperimentError("the optimizer state is NaN or infinite (training diverged); reset before saving")


def training_to_dict(state: TrainerState, net: Network) -> dict[str, Any]:
    """The "training" object: what continuing needs beyond the weights."""
    return {
        "optimizer": {k: v.tolist() if isinstance(v, np.ndarray) else v for k, v in state.optimizer.items()},
        "dead": [w.tolist() for w in net.views(state.dead).weights],
        "pending": {"count": state.pending_count, **layers_to_lists(net, state.pending_sum)},
        "last_update": {"count": state.last_count, **layers_to_lists(net, state.last_sum)},
    }


def network_of(config: Config) -> Network:
    """An all-zero network of the config's shape, for its per-layer views of flat vectors."""
    return Network(config.layer_sizes, config.activation, output_activation(config.problem))


def layers_to_lists(net: Network, flat: np.ndarray) -> dict[str, list]:
    views = net.views(flat)
    return {"weights": [w.tolist() for w in views.weights], "biases": [b.tolist() for b in views.biases]}


def expect(mapping: dict, key: str, kind: type) -> Any:
    if key not in mapping:
        raise ExperimentError(f"the key {key!r} is missing")
    value = mapping[key]
    if kind is not object and (isinstance(value, bool) or not isinstance(value, kind)):
        raise ExperimentError(f"{key!r} must be {'an integer' if kind is int else 'a JSON ' + kind.__name__}")
    return value


def check_keys(mapping: dict, what: str, keys: tuple[str, ...]) -> None:
    unknown = sorted(set(mapping) - set(keys))
    if unknown:
        where = "" if what == "the experiment" else f" in {what}"
        raise ExperimentError(f"unknown key {unknown[0]!r}{where}; allowed keys: {', '.join(keys)}")


def number_array(values: Any, shape: tuple[int, ...] | None, what: str) -> np.ndarray:
    """Nested lists of JSON numbers (finite: JSON has no NaN) as a float64 array of ``shape``."""
    if not only_numbers(values):
        raise ExperimentError(f"{what} must hold numbers only (no text, true/false or null)")
    try:
        array = np.array(values, dtype=np.float64)
    except OverflowError:  # a JSON integer beyond float64, such as 1e400 written out in digits
        raise ExperimentError(f"{what} holds a number too large for a 64-bit float") from None
    except (TypeError, ValueError):
        raise ExperimentError(f"{what} must be a list of numbers of consistent shape") from None
    if shape is not None and array.shape != shape:
        raise ExperimentError(f"{what} has shape {array.shape}; the config needs {shape}")
    if not np.isfinite(array).all():
        raise ExperimentError(f"{what} holds a value that is not a finite number")
    return array


def only_numbers(values: Any) -> bool:
    """True when every leaf of nested lists is an int or float (JSON numbers, not bools)."""
    if isinstance(values, list):
        return all(only_numbers(v) for v in values)
    return isinstance(values, (int, float)) and not isinstance(values, bool)


def read_layers(net: Network, layers: Any, what: str, keys: tuple[str, ...] = ("weights", "biases")) -> np.ndarray:
    """A flat vector laid out like net.params from {"weights": [...], "biases": [...]}."""
    if not isinstance(layers, dict):
        raise ExperimentError(f"{what} must be a JSON object with {', '.join(keys)}")
    check_keys(layers, what, keys)
    flat = np.zeros(net.size)
    views = net.views(flat)
    for key, targets in (("weights", views.weights), ("biases", views.biases)):
        values = layers.get(key)
        if not isinstance(values, list):
            raise ExperimentError(f"{what}.{key} is missing or not a list; it needs {len(targets)} layers")
        if len(values) != len(targets):
            raise ExperimentError(f"{what}.{key} has {len(values)} layers; the config needs {len(targets)}")
        for layer, (value, target) in enumerate(zip(values, targets)):
            target[...] = number_array(value, target.shape, f"{what}.{key}[{layer}]")
    return flat


def read_training(training: Any, net: Network, config: Config) -> dict[str, Any]:
    """The TrainerState fields of "training"; each absent part is a fresh start's."""
    if not isinstance(training, dict):
        raise ExperimentError("'training' must be a JSON object")
    check_keys(training, "training", TRAINING_KEYS)
    optimizer = make_optimizer(config.optimizer, net.size)
    if "optimizer" in training:
        try:
            optimizer.load_state(training["optimizer"])
        except ValueError as exc:
            raise ExperimentError(f"training.optimizer: {exc}") from None
    result: dict[str, Any] = {"optimizer": optimizer.state()}
    result["dead"] = read_dead(training.get("dead"), net, config)
    for key, sum_name, count_name in (("pending", "pending_sum", "pending_count"),
                                      ("last_update", "last_sum", "last_count")):
        result[sum_name], result[count_name] = read_sum(training.get(key), net, f"training.{key}")
    return result


def read_dead(dead_layers: Any, net: Network, config: Config) -> np.ndarray:
    dead = np.zeros(net.size, dtype=bool)
    if dead_layers is None:
        return dead
    if not isinstance(dead_layers, list) or len(dead_layers) != net.n_layers:
        raise ExperimentError(f"training.dead must list {net.n_layers} layers of booleans, one per weight matrix")
    for layer, (value, target) in enumerate(zip(dead_layers, net.views(dead).weights)):
        if np.array(value).shape != target.shape or np.array(value).dtype != bool:
            raise ExperimentError(f"training.dead[{layer}] must be booleans of shape {target.shape}")
        target[...] = value
    if dead.any() and config.regularization != "l1":
        raise ExperimentError(
            f"training.dead marks dead weights, but only L1 kills weights; config regularization is "
            f"{config.regularization!r} (allowed: no dead weights, or regularization 'l1')"
        )
    if (net.params[dead] != 0.0).any():
        raise ExperimentError("training.dead marks a weight dead that the network gives a non-zero value; "
                              "allowed: dead weights are 0")
    return dead


def read_sum(part: Any, net: Network, what: str) -> tuple[np.ndarray, int]:
    """(summed derivatives, count) of {"count": n, "weights": [...], "biases": [...]}; absent: nothing."""
    if part is None:
        return np.zeros(net.size), 0
    if not isinstance(part, dict):
        raise ExperimentError(f"{what} must be a JSON object with count, weights, biases")
    count = part.get("count")
    if isinstance(count, bool) or not isinstance(count, int) or count < 0:
        raise ExperimentError(f"{what}.count is {count!r}; allowed: an integer ≥ 0")
    total = read_layers(net, part, what, keys=("count", "weights", "biases"))
    if count == 0 and total.any():
        raise ExperimentError(f"{what} has count 0 but non-zero sums; allowed: zero sums when the count is 0")
    return total, count


def read_data(data: dict, config: Config) -> SplitData:
    check_keys(data, "data", ("train", "test"))
    parts = {}
    for key in ("train", "test"):
        rows = number_array(expect(data, key, list), None, f"data.{key}")
        if rows.size == 0:
            rows = rows.reshape(0, 3)
        if rows.ndim != 2 or rows.shape[1] != 3:
            raise ExperimentError(f"data.{key} must be rows of [x, y, label]; got shape {rows.shape}")
        wrong = first_bad_label(rows[:, 2], config.problem, config.classes)
        if wrong:
            raise ExperimentError(f"data.{key}[{wrong[0]}] has label {wrong[1]}")
        parts[key] = rows
    return SplitData(parts["train"], parts["test"])
