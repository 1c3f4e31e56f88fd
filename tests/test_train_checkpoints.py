"""`playground train --checkpoints`: the run's kept states go into --out, those of --from come along."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from playground.cli import main
from playground.engine.checkpoints import DENSITY, is_due
from playground.engine.config import Config
from playground.engine.data import make_data
from playground.engine.experiment import read_experiment_document
from playground.engine.trainer import Trainer


def test_train_writes_the_checkpoints_and_continues_with_them(tmp_path: Path, capsys) -> None:
    first, second = tmp_path / "a.json", tmp_path / "b.json"
    assert main(["train", "--quiet", "--epochs", "600", "--dataset", "circle", "--checkpoints", "--out", str(first)]) == 0
    document = read_experiment_document(first)
    assert [c.epoch for c in document.checkpoints] == [e for e in range(600) if is_due(e, DENSITY)]
    # Each is the state an uninterrupted run had then.
    config = Config(dataset="circle")
    kept = {c.epoch: c for c in document.checkpoints}
    for epoch in (37, 512):
        reference = Trainer(config, make_data(config))
        reference.train(epoch)
        np.testing.assert_array_equal(kept[epoch].params, reference.network.params)
    assert main(["train", "--quiet", "--epochs", "100", "--from", str(first), "--checkpoints", "--out", str(second)]) == 0
    again = read_experiment_document(second)
    assert [c.epoch for c in again.checkpoints] == [e for e in range(700) if is_due(e, DENSITY)]
    assert again.checkpoints[10].is_identical_to(document.checkpoints[10])


def test_without_the_option_no_checkpoints_are_written(tmp_path: Path) -> None:
    out = tmp_path / "plain.json"
    assert main(["train", "--quiet", "--epochs", "30", "--out", str(out)]) == 0
    assert read_experiment_document(out).checkpoints == ()


def test_checkpoints_need_an_output_file(tmp_path: Path, capsys) -> None:
    with pytest.raises(SystemExit) as info:
        main(["train", "--epochs", "30", "--checkpoints"])
    assert info.value.code == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "--checkpoints" in err and "--out" in err
