"""Checkpoints in experiment files: written on request, read back identical, restored into a
store, continued bit-identically; every bad entry refused in one line before anything is built."""

from __future__ import annotations

import json

import numpy as np
import pytest

from playground.engine.checkpoints import CheckpointStore, branch_state
from playground.engine.config import Config
from playground.engine.data import make_data
from playground.engine.experiment import (
    ExperimentError,
    load_experiment,
    read_experiment_document,
    save_experiment,
    take_checkpoints,
)
from playground.engine.trainer import Trainer

CONFIG = Config(dataset="xor", optimizer="momentum", hidden=(4, 3), seed=4)


def trained_with_store(epochs: int, config: Config = CONFIG) -> tuple[Trainer, CheckpointStore]:
    """Trained as the worker trains: each call stopped where a checkpoint is due, then kept;
    the learning rate changed at 150 and new points at 200 (as a learner would, mid-run)."""
    trainer = Trainer(config, make_data(config))
    store = CheckpointStore.for_run(trainer)
    while trainer.epoch < epochs:
        trainer.train(min(store.next_due(trainer.epoch), epochs) - trainer.epoch)
        store.keep(trainer)
        if trainer.epoch == 150:
            trainer.set_hyperparameters(learning_rate=0.1)
            store.refresh(trainer)
        if trainer.epoch == 200:
            trainer.set_data(make_data(config, generation=1))
            trainer.reevaluate()
            store.refresh(trainer)
    return trainer, store


def test_saved_checkpoints_read_back_identical(tmp_path):
    trainer, store = trained_with_store(260)
    path = tmp_path / "run.json"
    save_experiment(trainer, path, store.states())
    document = read_experiment_document(path)
    kept = store.states()
    assert [c.epoch for c in document.checkpoints] == [c.epoch for c in kept[:-1]]  # the last is the file's own
    for read, written in zip(document.checkpoints, kept):
        assert read.is_identical_to(written), read.epoch
    raw = json.loads(path.read_text(encoding="utf-8"))["checkpoints"]
    # Only where they change, the first against the file's own (learning rate 0.1, the new points).
    assert [i for i, c in enumerate(raw) if "config" in c] == [0, 150] and raw[150]["config"]["learning_rate"] == 0.1
    assert [i for i, c in enumerate(raw) if "data" in c] == [0, 200]


def test_a_file_without_checkpoints_has_no_key_and_none_come_back(tmp_path):
    trainer, _ = trained_with_store(20)
    path = tmp_path / "plain.json"
    save_experiment(trainer, path)
    assert "checkpoints" not in json.loads(path.read_text(encoding="utf-8"))
    assert take_checkpoints(load_experiment(path)) == ()


def test_a_restored_checkpoint_continues_exactly_as_the_run_went(tmp_path):
    trainer, store = trained_with_store(300)
    path = tmp_path / "run.json"
    save_experiment(trainer, path, store.states())
    loaded = load_experiment(path)
    restored = CheckpointStore.for_run(loaded, kept=take_checkpoints(loaded))
    assert take_checkpoints(loaded) == ()  # handed over once
    np.testing.assert_array_equal(restored.epochs(), store.epochs())
    # From epoch 120 (before both changes), continuing the first run's way: the same weights at 300.
    branch = Trainer.from_state(branch_state(restored.nearest(120), loaded.history))
    branch.train(30)
    branch.set_hyperparameters(learning_rate=0.1)
    branch.train(50)
    branch.set_data(make_data(CONFIG, generation=1))
    branch.reevaluate()
    branch.train(100)
    np.testing.assert_array_equal(branch.network.params, trainer.network.params)
    np.testing.assert_array_equal(branch.history.column("train_loss"), trainer.history.column("train_loss"))


def edited(path, tmp_path, change) -> str:
    document = json.loads(path.read_text(encoding="utf-8"))
    change(document)
    bad = tmp_path / "bad.json"
    bad.write_text(json.dumps(document), encoding="utf-8")
    with pytest.raises(ExperimentError) as error:
        load_experiment(bad)
    message = str(error.value)
    assert "\n" not in message and "bad.json" in message
    return message


def test_bad_checkpoints_are_refused_in_one_line(tmp_path):
    trainer, store = trained_with_store(40)
    path = tmp_path / "run.json"
    save_experiment(trainer, path, store.states())
    cases = {
        "must be a JSON list": lambda d: d.update(checkpoints={}),
        "checkpoints[3].epoch is 2; allowed: epochs rising": lambda d: d["checkpoints"][3].update(epoch=2),
        "below the file's epoch 40": lambda d: d["checkpoints"][-1].update(epoch=40),
        "checkpoints[1].config changes 'hidden'": lambda d: d["checkpoints"][1].update(config={**d["config"], "hidden": [2]}),
        "checkpoints[2].row must list 4 values": lambda d: d["checkpoints"][2].update(row=[0.1]),
        "unknown key 'weights' in checkpoints[0]": lambda d: d["checkpoints"][0].update(weights=[]),
        "checkpoints[5].network.weights[0] has shape": lambda d: d["checkpoints"][5]["network"]["weights"].__setitem__(0, [[1.0]]),
        "checkpoints[4].row must hold numbers only": lambda d: d["checkpoints"][4].update(row=["a", 1, 1, 1]),
        "the key 'training' is missing": lambda d: d["checkpoints"][6].pop("training"),
    }
    for expected, change in cases.items():
        assert expected in edited(path, tmp_path, change)


def test_a_diverged_checkpoint_is_not_written(tmp_path):
    trainer, store = trained_with_store(10)
    states = store.states()
    import dataclasses

    broken = dataclasses.replace(states[3], params=np.full_like(states[3].params, np.nan))
    with pytest.raises(ExperimentError, match="diverged"):
        save_experiment(trainer, tmp_path / "x.json", [*states[:3], broken, *states[4:]])
    assert not (tmp_path / "x.json").exists()
