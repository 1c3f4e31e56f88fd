"""Experiment files: round trip, exact continuation, the documented layout, and refusals."""

from __future__ import annotations

import copy
import json
import math
import os
from pathlib import Path
from typing import Any, Callable

import numpy as np
import pytest

from playground.engine.config import Config
from playground.engine.data import make_data
from playground.engine.experiment import (
    TOP_KEYS,
    ExperimentError,
    load_experiment,
    save_experiment,
    state_from_dict,
    state_to_dict,
)
from playground.engine.features import feature_matrix
from playground.engine.history import HISTORY_COLUMNS
from playground.engine.trainer import Trainer


def new_trainer(**changes: Any) -> Trainer:
    config = Config(**changes)
    return Trainer(config, make_data(config))


def history_columns(trainer: Trainer) -> dict[str, np.ndarray]:
    return {name: trainer.history.column(name).copy() for name in HISTORY_COLUMNS}


def assert_same_state(a: Trainer, b: Trainer) -> None:
    """Every piece of state that continuation depends on is bit-identical."""
    sa, sb = a.state(), b.state()
    assert sa.config == sb.config
    assert sa.epoch == sb.epoch
    assert np.array_equal(sa.data.train, sb.data.train)
    assert np.array_equal(sa.data.test, sb.data.test)
    assert np.array_equal(sa.params, sb.params)
    assert np.array_equal(sa.dead, sb.dead)
    assert np.array_equal(sa.pending_sum, sb.pending_sum)
    assert sa.pending_count == sb.pending_count
    assert np.array_equal(sa.last_sum, sb.last_sum)
    assert sa.last_count == sb.last_count
    assert sa.optimizer.keys() == sb.optimizer.keys()
    for key in sa.optimizer:
        assert np.array_equal(sa.optimizer[key], sb.optimizer[key]), key
    ha, hb = history_columns(a), history_columns(b)
    for name in HISTORY_COLUMNS:
        assert np.array_equal(ha[name], hb[name], equal_nan=True), name
    assert sa.is_identical_to(sb)


# ---------------------------------------------------------------- round trip

@pytest.mark.parametrize(
    "changes",
    [
        dict(batch_size=7),
        dict(optimizer="adam", regularization="l1", regularization_rate=0.01, batch_size=7,
             dataset="xor", hidden=(6, 4), features=("x1", "x2", "x1_x2")),
        dict(problem="regression", dataset="multigauss", optimizer="momentum",
             regularization="l2", regularization_rate=0.01, batch_size=7),
    ],
    ids=["sgd", "adam-l1", "momentum-l2-regression"],
)
def test_round_trip_restores_everything(tmp_path: Path, changes: dict[str, Any]) -> None:
    trainer = new_trainer(**changes)
    trainer.train(12)
    path = tmp_path / "exp.json"
    save_experiment(trainer, path)
    loaded = load_experiment(path)
    assert_same_state(trainer, loaded)
    assert loaded.epoch == 12
    assert len(loaded.history) == 13


def test_regression_accuracy_is_null_in_the_file_and_nan_after_loading(tmp_path: Path) -> None:
    trainer = new_trainer(problem="regression", dataset="plane")
    trainer.train(3)
    path = tmp_path / "exp.json"
    save_experiment(trainer, path)
    raw = json.loads(path.read_text())
    assert raw["history"]["train_accuracy"] == [None] * 4
    assert raw["history"]["test_accuracy"] == [None] * 4
    assert all(isinstance(v, float) for v in raw["history"]["train_loss"])
    loaded = load_experiment(path)
    assert np.isnan(loaded.history.column("train_accuracy")).all()
    assert np.isnan(loaded.history.column("test_accuracy")).all()
    assert np.array_equal(loaded.history.column("train_loss"), trainer.history.column("train_loss"))


def test_untrained_trainer_round_trips(tmp_path: Path) -> None:
    trainer = new_trainer()
    path = tmp_path / "exp.json"
    save_experiment(trainer, path)
    loaded = load_experiment(path)
    assert_same_state(trainer, loaded)
    assert loaded.epoch == 0


# ---------------------------------------------------------------- exact continuation

CONTINUATION_CASES = [
    # 250 training points, batch 7: 5 examples are left over each epoch and carried on.
    (dict(batch_size=7, learning_rate=0.1), 9, 11),
    # Adam with L1 at rate 0.01: weights die before the save and more die after it.
    (dict(optimizer="adam", regularization="l1", regularization_rate=0.01, batch_size=7,
          dataset="xor", hidden=(6, 4), features=("x1", "x2", "x1_x2")), 10, 15),
    # Momentum with L2, regression on multigauss (600 training points, 600 % 7 = 5).
    (dict(problem="regression", dataset="multigauss", optimizer="momentum",
          regularization="l2", regularization_rate=0.01, batch_size=7), 7, 8),
]


@pytest.mark.parametrize(
    ("changes", "first", "second"), CONTINUATION_CASES, ids=["sgd-b7", "adam-l1", "momentum-l2-multigauss"]
)
def test_save_load_continue_equals_training_straight(
    tmp_path: Path, changes: dict[str, Any], first: int, second: int
) -> None:
    straight = new_trainer(**changes)
    straight.train(first + second)

    resumed = new_trainer(**changes)
    resumed.train(first)
    assert len(resumed.data.train) % resumed.batch_size != 0
    assert resumed.state().pending_count > 0  # something really is carried across the save
    if changes.get("regularization") == "l1":
        assert resumed.dead_mask().any(), "the L1 case should have dead weights before the save"
    path = tmp_path / "exp.json"
    save_experiment(resumed, path)
    resumed = load_experiment(path)
    result = resumed.train(second)

    assert not result.diverged
    assert resumed.epoch == straight.epoch == first + second
    assert np.array_equal(resumed.network.params, straight.network.params)
    assert np.array_equal(resumed.dead_mask(), straight.dead_mask())
    assert_same_state(resumed, straight)
    if changes.get("regularization") == "l1":
        dead_at_save = (json.loads(path.read_text())["training"]["dead"])
        n_dead_at_save = sum(int(np.sum(d)) for d in dead_at_save)
        assert straight.dead_mask().sum() > n_dead_at_save, "more weights should die after the save"


def test_continuation_twice_through_files(tmp_path: Path) -> None:
    changes = dict(optimizer="adam", batch_size=7, dataset="spiral", hidden=(5,))
    straight = new_trainer(**changes)
    straight.train(12)
    resumed = new_trainer(**changes)
    for step in range(3):
        resumed.train(4)
        save_experiment(resumed, tmp_path / f"exp{step}.json")
        resumed = load_experiment(tmp_path / f"exp{step}.json")
    assert_same_state(resumed, straight)


# ---------------------------------------------------------------- file layout

def test_file_is_json_with_the_documented_layout(tmp_path: Path) -> None:
    features = ("x1_squared", "x2", "sin_x1")
    trainer = new_trainer(features=features, hidden=(4, 2), optimizer="momentum", batch_size=7)
    trainer.train(3)
    path = tmp_path / "exp.json"
    save_experiment(trainer, path)
    doc = json.loads(path.read_text(encoding="utf-8"))

    assert set(doc) == set(TOP_KEYS) == {
        "format", "version", "config", "data", "network", "epoch", "history", "training",
    }
    assert doc["format"] == "playground-experiment"
    assert doc["version"] == 1
    assert doc["config"] == trainer.config.to_dict()
    assert doc["epoch"] == 3
    assert set(doc["history"]) == set(HISTORY_COLUMNS)
    assert all(len(v) == 4 for v in doc["history"].values())
    assert set(doc["data"]) == {"train", "test"}
    assert np.array_equal(np.array(doc["data"]["train"]), trainer.data.train)
    assert np.array_equal(np.array(doc["data"]["test"]), trainer.data.test)
    assert set(doc["training"]) == {"optimizer", "dead", "pending", "last_update"}
    assert doc["training"]["pending"]["count"] == trainer.state().pending_count
    assert doc["training"]["last_update"]["count"] == trainer.state().last_count
    assert len(doc["training"]["optimizer"]["velocity"]) == trainer.network.size

    sizes = (len(features), 4, 2, 1)
    weights = [np.array(w) for w in doc["network"]["weights"]]
    biases = [np.array(b) for b in doc["network"]["biases"]]
    assert [w.shape for w in weights] == list(zip(sizes[:-1], sizes[1:]))
    assert [b.shape for b in biases] == [(n,) for n in sizes[1:]]
    dead = [np.array(d) for d in doc["training"]["dead"]]
    assert [d.shape for d in dead] == [w.shape for w in weights]
    assert all(d.dtype == bool for d in dead)

    # The file's matrices alone reproduce the network: rows of W_0 follow config.features.
    points = trainer.data.test[:, :2]
    a = feature_matrix(points, list(doc["config"]["features"]))
    for layer, (w, b) in enumerate(zip(weights, biases)):
        z = a @ w + b
        a = np.tanh(z)  # tanh hidden (the default) and tanh output (classification)
    np.testing.assert_allclose(a, trainer.network.predict(feature_matrix(points, features)), rtol=1e-12)
    # Row i of W_0 is the weights leaving feature i.
    for i in range(len(features)):
        np.testing.assert_array_equal(weights[0][i], trainer.network.blocks[0][:, i])


# ---------------------------------------------------------------- refusals

@pytest.fixture(scope="module")
def good_document() -> dict[str, Any]:
    """A valid document with non-trivial optimizer state, dead weights and pending sums."""
    trainer = new_trainer(optimizer="adam", regularization="l1", regularization_rate=0.01, batch_size=7,
                          dataset="xor", hidden=(6, 4), features=("x1", "x2", "x1_x2"))
    trainer.train(5)
    assert trainer.dead_mask().any()
    return json.loads(json.dumps(state_to_dict(trainer.state()), allow_nan=False))


def write_doc(path: Path, doc: Any) -> Path:
    path.write_text(json.dumps(doc), encoding="utf-8")
    return path


def test_good_document_loads(tmp_path: Path, good_document: dict[str, Any]) -> None:
    trainer = load_experiment(write_doc(tmp_path / "exp.json", good_document))
    assert trainer.epoch == 5


def _set(path: tuple, value: Any) -> Callable[[dict], None]:
    def mutate(doc: dict) -> None:
        target = doc
        for key in path[:-1]:
            target = target[key]
        target[path[-1]] = value(target[path[-1]]) if callable(value) else value
    return mutate


def _add_unknown(doc: dict) -> None:
    doc["comment"] = "hello"


def _drop_history_entry(doc: dict) -> None:
    for key in doc["history"]:
        doc["history"][key] = doc["history"][key][:-1]


def _label_half(doc: dict) -> None:
    doc["data"]["train"][3][2] = 0.5


def _short_optimizer_state(doc: dict) -> None:
    doc["training"]["optimizer"]["m"] = doc["training"]["optimizer"]["m"][:-1]


def _dead_wrong_shape(doc: dict) -> None:
    doc["training"]["dead"][0] = [row[:-1] for row in doc["training"]["dead"][0]]


def _weight_wrong_shape(doc: dict) -> None:
    doc["network"]["weights"][1] = [row + [0.0] for row in doc["network"]["weights"][1]]


def _weight_transposed(doc: dict) -> None:
    doc["network"]["weights"][0] = np.array(doc["network"]["weights"][0]).T.tolist()


REFUSED_DOCUMENTS = {
    "wrong format": (_set(("format",), "playground-config"), "'format'"),
    "wrong version": (_set(("version",), 2), "'version'"),
    "unknown top-level key": (_add_unknown, "'comment'"),
    "weight matrix of wrong shape": (_weight_wrong_shape, "network.weights[1]"),
    "weight matrix transposed": (_weight_transposed, "network.weights[0]"),
    "history too short": (_drop_history_entry, "history."),
    "classification label 0.5": (_label_half, "label"),
    "negative epoch": (_set(("epoch",), -1), "'epoch'"),
    "optimizer state of wrong length": (_short_optimizer_state, "optimizer"),
    "dead mask of wrong shape": (_dead_wrong_shape, "training.dead[0]"),
    "epoch not an integer": (_set(("epoch",), 5.5), "'epoch'"),
    "bad config": (_set(("config", "noise"), 70), "noise"),
    "missing network": (lambda doc: doc.pop("network"), "'network'"),
    "negative pending count": (_set(("training", "pending", "count"), -1), "training.pending.count"),
}


def test_history_must_hold_epoch_plus_one_entries(
    tmp_path: Path, good_document: dict[str, Any]
) -> None:
    doc = copy.deepcopy(good_document)
    doc["epoch"] = 6  # history still has 6 entries: one too few for epoch 6
    with pytest.raises(ExperimentError, match=r"epoch \+ 1 = 7"):
        load_experiment(write_doc(tmp_path / "exp.json", doc))


def test_missing_file_is_refused(tmp_path: Path) -> None:
    with pytest.raises(ExperimentError, match="no such file"):
        load_experiment(tmp_path / "nothing.json")


def test_truncated_file_is_refused(tmp_path: Path, good_document: dict[str, Any]) -> None:
    text = json.dumps(good_document)
    path = tmp_path / "exp.json"
    path.write_text(text[: len(text) // 2], encoding="utf-8")
    with pytest.raises(ExperimentError, match="invalid JSON"):
        load_experiment(path)


def test_non_json_file_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "exp.json"
    path.write_text("format = playground-experiment\n", encoding="utf-8")
    with pytest.raises(ExperimentError, match="invalid JSON"):
        load_experiment(path)


def test_json_that_is_not_an_object_is_refused(tmp_path: Path) -> None:
    with pytest.raises(ExperimentError, match="JSON object"):
        load_experiment(write_doc(tmp_path / "exp.json", [1, 2, 3]))


@pytest.mark.parametrize("bad", [math.nan, math.inf, -math.inf], ids=["NaN", "Infinity", "-Infinity"])
def test_nan_or_infinity_literal_is_refused(tmp_path: Path, good_document: dict[str, Any], bad: float) -> None:
    doc = copy.deepcopy(good_document)
    doc["network"]["weights"][0][0][0] = bad
    text = json.dumps(doc)  # writes the non-JSON literal NaN / Infinity
    assert ("NaN" if math.isnan(bad) else "Infinity") in text
    path = tmp_path / "exp.json"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(ExperimentError, match="not valid JSON"):
        load_experiment(path)


def test_overflowing_number_is_refused(tmp_path: Path, good_document: dict[str, Any]) -> None:
    text = json.dumps(good_document)
    assert '"weights": [[[' in text
    path = tmp_path / "exp.json"
    path.write_text(text.replace('"weights": [[[', '"weights": [[[1e999, ', 1), encoding="utf-8")
    with pytest.raises(ExperimentError, match="invalid JSON"):
        load_experiment(path)


def test_weight_given_as_a_string_is_refused(tmp_path: Path, good_document: dict[str, Any]) -> None:
    doc = copy.deepcopy(good_document)
    doc["network"]["weights"][0][0][0] = "0.25"
    with pytest.raises(ExperimentError, match=r"network\.weights\[0\]"):
        load_experiment(write_doc(tmp_path / "exp.json", doc))


def test_weight_given_as_a_non_numeric_string_is_refused(tmp_path: Path, good_document: dict[str, Any]) -> None:
    doc = copy.deepcopy(good_document)
    doc["network"]["weights"][0][0][0] = "abc"
    with pytest.raises(ExperimentError, match=r"network\.weights\[0\]"):
        load_experiment(write_doc(tmp_path / "exp.json", doc))


def test_weight_given_as_a_boolean_is_refused(tmp_path: Path, good_document: dict[str, Any]) -> None:
    doc = copy.deepcopy(good_document)
    doc["network"]["weights"][0][0][0] = True
    with pytest.raises(ExperimentError, match=r"network\.weights\[0\]"):
        load_experiment(write_doc(tmp_path / "exp.json", doc))


def test_optimizer_state_given_as_a_string_is_refused(tmp_path: Path, good_document: dict[str, Any]) -> None:
    doc = copy.deepcopy(good_document)
    doc["training"]["optimizer"]["m"][0] = "0.5"
    with pytest.raises(ExperimentError, match="optimizer"):
        load_experiment(write_doc(tmp_path / "exp.json", doc))


@pytest.mark.parametrize("keep", [0, 1], ids=["empty", "one-layer"])
def test_dead_list_with_wrong_layer_count_is_refused(
    tmp_path: Path, good_document: dict[str, Any], keep: int
) -> None:
    doc = copy.deepcopy(good_document)
    doc["training"]["dead"] = doc["training"]["dead"][:keep]
    with pytest.raises(ExperimentError, match="training.dead"):
        load_experiment(write_doc(tmp_path / "exp.json", doc))


def test_unknown_key_inside_training_is_refused(tmp_path: Path, good_document: dict[str, Any]) -> None:
    doc = copy.deepcopy(good_document)
    doc["training"]["momentum"] = [0.0]
    with pytest.raises(ExperimentError, match="momentum"):
        load_experiment(write_doc(tmp_path / "exp.json", doc))


# ---------------------------------------------------------------- saving safely

def diverged_trainer() -> Trainer:
    trainer = new_trainer(problem="regression", dataset="plane", learning_rate=100, hidden=(8, 8, 8))
    result = trainer.train(200)
    assert result.diverged
    return trainer


def test_diverged_trainer_cannot_be_saved_and_old_file_is_untouched(tmp_path: Path) -> None:
    path = tmp_path / "exp.json"
    save_experiment(new_trainer(), path)
    before = path.read_bytes()
    with pytest.raises(ExperimentError, match="diverged"):
        save_experiment(diverged_trainer(), path)
    assert path.read_bytes() == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["exp.json"]


def test_diverged_trainer_does_not_create_a_file(tmp_path: Path) -> None:
    with pytest.raises(ExperimentError):
        save_experiment(diverged_trainer(), tmp_path / "new.json")
    assert list(tmp_path.iterdir()) == []


def test_save_is_atomic_when_the_rename_fails(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = tmp_path / "exp.json"
    old = new_trainer()
    save_experiment(old, path)
    before = path.read_bytes()

    trainer = new_trainer()
    trainer.train(5)

    def broken_replace(src: Any, dst: Any) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(os, "replace", broken_replace)
    with pytest.raises(OSError):
        save_experiment(trainer, path)
    monkeypatch.undo()

    assert path.read_bytes() == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["exp.json"]  # no temp file left
    assert load_experiment(path).epoch == 0


def test_saving_over_an_existing_file_replaces_it(tmp_path: Path) -> None:
    path = tmp_path / "exp.json"
    save_experiment(new_trainer(), path)
    trainer = new_trainer()
    trainer.train(2)
    save_experiment(trainer, path)
    assert load_experiment(path).epoch == 2
    assert sorted(p.name for p in tmp_path.iterdir()) == ["exp.json"]


# ---------------------------------------------------------------- files a person can write

MINIMAL_KEYS = ("format", "version", "config", "data", "network", "epoch", "history")


def minimal(document: dict[str, Any]) -> dict[str, Any]:
    """Only the documented keys, and of history only the two losses."""
    doc = {key: copy.deepcopy(document[key]) for key in MINIMAL_KEYS}
    doc["history"] = {key: doc["history"][key] for key in ("train_loss", "test_loss")}
    return doc


@pytest.mark.parametrize(
    "changes",
    [dict(batch_size=7), dict(optimizer="adam", regularization="l1", regularization_rate=0.01, batch_size=7,
                              dataset="xor", hidden=(6, 4), features=("x1", "x2", "x1_x2")),
     dict(problem="regression", dataset="plane", optimizer="momentum", batch_size=7)],
    ids=["sgd", "adam-l1", "momentum-regression"],
)
def test_minimal_file_trains_identically_to_the_app_saved_one(tmp_path: Path, changes: dict[str, Any]) -> None:
    saved = save_and_read(new_trainer(**changes), tmp_path / "app.json")
    app = load_experiment(tmp_path / "app.json")
    mine = load_experiment(write_doc(tmp_path / "mine.json", minimal(saved)))
    assert_same_state(app, mine)  # the current row's accuracy is computed exactly as the app did
    for _ in range(50):
        assert app.train_epoch() == mine.train_epoch()
    assert_same_state(app, mine)
    assert app.epoch == 50 and np.array_equal(app.network.params, mine.network.params)


def save_and_read(trainer: Trainer, path: Path) -> dict[str, Any]:
    save_experiment(trainer, path)
    return json.loads(path.read_text(encoding="utf-8"))


def test_no_training_section_is_a_fresh_start_at_that_epoch(tmp_path: Path) -> None:
    trainer = new_trainer(optimizer="adam", regularization="l1", regularization_rate=0.01, batch_size=7,
                          dataset="xor", hidden=(6, 4))
    trainer.train(12)
    doc = save_and_read(trainer, tmp_path / "app.json")
    del doc["training"]
    loaded = load_experiment(write_doc(tmp_path / "mine.json", doc))
    state = loaded.state()
    assert state.epoch == 12 and np.array_equal(state.params, trainer.network.params)
    assert state.optimizer["t"] == 0 and not state.optimizer["m"].any() and not state.optimizer["v"].any()
    assert not state.dead.any() and state.pending_count == 0 and not state.pending_sum.any()
    assert state.last_count == 0 and not loaded.last_gradient().any()
    assert_history_equal(loaded, trainer)
    assert not loaded.train(5).diverged and loaded.epoch == 17


def assert_history_equal(a: Trainer, b: Trainer) -> None:
    for name in HISTORY_COLUMNS:
        assert np.array_equal(a.history.column(name), b.history.column(name), equal_nan=True), name


@pytest.mark.parametrize("part", ["optimizer", "dead", "pending", "last_update"])
def test_each_part_of_training_is_optional(tmp_path: Path, good_document: dict[str, Any], part: str) -> None:
    doc = copy.deepcopy(good_document)
    del doc["training"][part]
    state = load_experiment(write_doc(tmp_path / "exp.json", doc)).state()
    full = load_experiment(write_doc(tmp_path / "full.json", good_document)).state()
    fresh = {"optimizer": state.optimizer["t"] == 0, "dead": not state.dead.any(),
             "pending": state.pending_count == 0 and not state.pending_sum.any(),
             "last_update": state.last_count == 0 and not state.last_sum.any()}
    assert fresh[part]
    assert np.array_equal(state.params, full.params)


def test_missing_accuracy_is_unknown_in_the_past_and_computed_now(tmp_path: Path) -> None:
    trainer = new_trainer(batch_size=7)
    trainer.train(12)
    doc = save_and_read(trainer, tmp_path / "app.json")
    del doc["history"]["train_accuracy"], doc["history"]["test_accuracy"]
    doc["history"]["test_loss"][-1] = None  # unknown too: computed from the network
    loaded = load_experiment(write_doc(tmp_path / "mine.json", doc))
    for name in ("train_accuracy", "test_accuracy"):
        column = loaded.history.column(name)
        assert np.isnan(column[:-1]).all()
        assert column[-1] == trainer.history.column(name)[-1]
    # Computed by the NumPy forward pass; the trainer's own row may come from the compiled kernel.
    assert loaded.history.column("test_loss")[-1] == pytest.approx(trainer.history.column("test_loss")[-1], abs=1e-12)
    assert loaded.last_result().train_loss == trainer.last_result().train_loss


def readme_example() -> str:
    """The indented JSON block in README.md's Experiments part that a person may write."""
    lines = (Path(__file__).resolve().parents[2] / "README.md").read_text(encoding="utf-8").splitlines()
    start = next(i for i, line in enumerate(lines) if line.startswith('    {"format": "playground-experiment"'))
    block = []
    for line in lines[start:]:
        if not line.startswith("    "):
            break
        block.append(line)
    return "\n".join(block)


def test_the_readme_example_loads_and_trains(tmp_path: Path) -> None:
    text = readme_example()
    doc = json.loads(text)
    assert set(doc) == set(MINIMAL_KEYS) and set(doc["history"]) == {"train_loss", "test_loss"}
    assert 8 <= len(text.splitlines()) <= 12
    path = tmp_path / "hand.json"
    path.write_text(text, encoding="utf-8")
    trainer = load_experiment(path)
    assert trainer.epoch == 0 and trainer.config.hidden == (2,) and len(trainer.data.train) == 4
    assert np.isfinite([trainer.history.last(name) for name in HISTORY_COLUMNS]).all()
    result = trainer.train(200)
    assert not result.diverged and result.train_loss < trainer.history.column("train_loss")[0]


def _drop_test_loss(doc: dict) -> None:
    del doc["history"]["test_loss"]


def _unknown_history_column(doc: dict) -> None:
    doc["history"]["loss"] = doc["history"]["train_loss"]


def _dead_under_l2(doc: dict) -> None:
    doc["config"]["regularization"] = "l2"


def _dead_weight_not_zero(doc: dict) -> None:
    dead = np.array(doc["training"]["dead"][0])
    i, j = np.argwhere(dead)[0] if dead.any() else np.argwhere(np.array(doc["training"]["dead"][1]))[0]
    layer = 0 if dead.any() else 1
    doc["network"]["weights"][layer][i][j] = 0.25


def _pending_count_zero(doc: dict) -> None:
    doc["training"]["pending"]["count"] = 0


def _unknown_training_key(doc: dict) -> None:
    doc["training"]["momentum"] = []


HAND_WRITTEN_REFUSALS = {
    "no test loss": (_drop_test_loss, "history.test_loss is missing"),
    "unknown history column": (_unknown_history_column, "unknown key 'loss' in history"),
    "dead weights without L1": (_dead_under_l2, "only L1 kills weights"),
    "dead weight that is not zero": (_dead_weight_not_zero, "dead weights are 0"),
    "pending count 0 with sums": (_pending_count_zero, "training.pending has count 0 but non-zero sums"),
    "unknown training key": (_unknown_training_key, "unknown key 'momentum' in training"),
    "training not an object": (_set(("training",), []), "'training' must be a JSON object"),
    "history loss given as text": (_set(("history", "train_loss", 0), "0.5"), "history.train_loss"),
    "no epoch": (lambda doc: doc.pop("epoch"), "'epoch' is missing"),
}


ALL_REFUSALS = {**REFUSED_DOCUMENTS, **HAND_WRITTEN_REFUSALS}
assert len(ALL_REFUSALS) == len(REFUSED_DOCUMENTS) + len(HAND_WRITTEN_REFUSALS), "refusal names must be distinct"


@pytest.mark.parametrize(("mutate", "needle"), ALL_REFUSALS.values(), ids=ALL_REFUSALS.keys())
def test_bad_document_is_refused_naming_the_problem(
    tmp_path: Path, good_document: dict[str, Any], mutate: Callable[[dict], None], needle: str
) -> None:
    doc = copy.deepcopy(good_document)
    mutate(doc)
    with pytest.raises(ExperimentError) as info:
        load_experiment(write_doc(tmp_path / "exp.json", doc))
    assert needle in str(info.value) and "\n" not in str(info.value)


def test_state_survives_the_codec_bit_for_bit(good_document: dict[str, Any]) -> None:
    state = state_from_dict(good_document)
    assert state_from_dict(json.loads(json.dumps(state_to_dict(state)))).is_identical_to(state)
    assert state_to_dict(state) == good_document


@pytest.mark.parametrize(
    "where",
    [("network", "weights", 0, 0, 0), ("data", "train", 0, 0), ("training", "optimizer", "m", 0)],
)
def test_an_integer_too_large_for_a_float_is_refused_in_one_line(tmp_path: Path, good_document, where) -> None:
    good_document = copy.deepcopy(good_document)
    target = good_document
    for key in where[:-1]:
        target = target[key]
    target[where[-1]] = 10**400  # JSON allows any integer; a 64-bit float does not
    path = write_doc(tmp_path / "huge.json", good_document)
    with pytest.raises(ExperimentError, match="too large for a 64-bit float") as info:
        load_experiment(path)
    assert "\n" not in str(info.value) and "huge.json" in str(info.value)


def test_huge_hand_written_weights_measure_without_warnings(tmp_path: Path, good_document) -> None:
    good_document = copy.deepcopy(good_document)
    good_document["network"]["weights"][-1] = [[1.5e308] for _ in good_document["network"]["weights"][-1]]
    for key in ("train_accuracy", "test_accuracy"):
        good_document["history"].pop(key)  # the current row is measured when the file is read
    good_document["history"]["train_loss"][-1] = None
    trainer = load_experiment(write_doc(tmp_path / "big.json", good_document))  # warnings are errors here
    assert trainer.epoch == 5
