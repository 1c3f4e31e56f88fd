"""The compiled kernel (kernel.c) against the NumPy engine, the readable reference.

Every activation, optimizer, regularization and problem type trains 300 epochs through both
and must agree to 1e-12 (non-chaotic networks: rounding differences do not grow); the chaotic
6 × 8 network over its first 25 epochs. The kernel is built by the README's install command;
these tests fail (not skip) without it, unless PLAYGROUND_ENGINE=numpy says so on purpose.
"""

from __future__ import annotations

import ctypes
import os
import threading

import numpy as np
import pytest

from playground.engine import compiled
from playground.engine.activations import ACTIVATION_NAMES
from playground.engine.config import FEATURE_NAMES, Config
from playground.engine.data import make_data
from playground.engine.history import HISTORY_COLUMNS
from playground.engine.trainer import Trainer

TOLERANCE = 1e-12
if os.environ.get(compiled.ENGINE_VARIABLE, "").lower() == "numpy":
    pytest.skip("PLAYGROUND_ENGINE=numpy: the compiled kernel is switched off on purpose", allow_module_level=True)


@pytest.fixture(autouse=True)
def the_kernel_is_built() -> None:
    assert compiled.LIBRARY is not None, (
        "the compiled kernel is missing: `pip install -e .` builds playground/engine/_kernel*.so with the "
        "system's C compiler (set PLAYGROUND_ENGINE=numpy to test without it)"
    )


def numpy_engine(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(compiled, "LIBRARY", None)


def both_engines(config: Config, epochs: int, monkeypatch: pytest.MonkeyPatch) -> tuple[Trainer, Trainer]:
    data = make_data(config)
    fast = Trainer(config, data)
    assert fast.engine == compiled.COMPILED
    fast.train(epochs)
    with monkeypatch.context() as patch:
        numpy_engine(patch)
        reference = Trainer(config, data)
        assert reference.engine == compiled.NUMPY
        reference.train(epochs)
    return fast, reference


def assert_same_run(fast: Trainer, reference: Trainer) -> None:
    a, b = fast.state(), reference.state()
    assert a.epoch == b.epoch and a.pending_count == b.pending_count and a.last_count == b.last_count
    np.testing.assert_allclose(a.params, b.params, rtol=0, atol=TOLERANCE)
    np.testing.assert_array_equal(a.dead, b.dead)
    np.testing.assert_allclose(a.pending_sum, b.pending_sum, rtol=0, atol=TOLERANCE)
    np.testing.assert_allclose(a.last_sum, b.last_sum, rtol=0, atol=TOLERANCE)
    for key in a.optimizer:
        np.testing.assert_allclose(a.optimizer[key], b.optimizer[key], rtol=0, atol=TOLERANCE)
    for name in HISTORY_COLUMNS:
        np.testing.assert_allclose(a.history[name], b.history[name], rtol=0, atol=TOLERANCE, equal_nan=True)


SMALL = Config(dataset="xor", hidden=(3,), batch_size=7, learning_rate=0.03, train_ratio=50)
CASES = {
    **{f"activation {name}": SMALL.replace(activation=name) for name in ACTIVATION_NAMES},
    **{
        f"{optimizer} {regularization}": SMALL.replace(
            optimizer=optimizer, regularization=regularization,
            regularization_rate=0.1 if regularization == "l1" else 0.01,
            learning_rate=0.03 if optimizer == "sgd" else 0.003,  # momentum's steps are ~10× sgd's
        )
        for optimizer in ("sgd", "momentum", "adam") for regularization in ("none", "l1", "l2")
    },
    "regression plane": Config.from_dict({"problem": "regression", "hidden": [3], "batch_size": 7}),
    "regression multigauss sigmoid": Config.from_dict(
        {"problem": "regression", "dataset": "multigauss", "hidden": [4], "activation": "sigmoid"}),
    "multiclass blobs": Config.from_dict(
        {"problem": "multiclass", "dataset": "blobs", "classes": 4, "hidden": [3], "batch_size": 7}),
    "multiclass spiral adam l2": Config.from_dict(
        {"problem": "multiclass", "classes": 5, "hidden": [4, 3], "optimizer": "adam", "learning_rate": 0.003,
         "regularization": "l2", "regularization_rate": 0.001, "features": ["x1", "x2", "sin_x1"]}),
    "no hidden layer, every feature": SMALL.replace(hidden=[], features=list(FEATURE_NAMES)),
    "batch of one": SMALL.replace(batch_size=1, learning_rate=0.003),
    "one batch an epoch": SMALL.replace(batch_size=250),
}


@pytest.mark.parametrize("config", CASES.values(), ids=CASES.keys())
def test_300_epochs_agree_with_the_numpy_engine(config: Config, monkeypatch: pytest.MonkeyPatch) -> None:
    fast, reference = both_engines(config, 300, monkeypatch)
    assert_same_run(fast, reference)
    if config.regularization == "l1":
        assert fast.dead_mask().any()  # the case exercises L1's dead weights


def test_the_chaotic_six_by_eight_network_agrees_over_its_first_25_epochs(monkeypatch: pytest.MonkeyPatch) -> None:
    config = Config(dataset="spiral", features=list(FEATURE_NAMES), hidden=[8] * 6)
    fast, reference = both_engines(config, 25, monkeypatch)
    assert_same_run(fast, reference)


def test_the_multiclass_reference_is_reproduced_by_the_kernel() -> None:
    import json
    from pathlib import Path

    from playground.engine.experiment import read_experiment

    folder = Path(__file__).resolve().parents[1] / "data"
    trainer = Trainer.from_state(read_experiment(folder / "multiclass_example_epoch0.json"))
    assert trainer.engine == compiled.COMPILED
    trainer.train(50)
    reference = json.loads((folder / "multiclass_example_50_epochs.json").read_text(encoding="utf-8"))
    np.testing.assert_allclose(trainer.history.column("train_loss"), reference["train_loss"], rtol=0, atol=TOLERANCE)
    np.testing.assert_allclose(trainer.history.column("test_loss"), reference["test_loss"], rtol=0, atol=TOLERANCE)


def test_a_run_continues_across_engines_and_calls(monkeypatch: pytest.MonkeyPatch) -> None:
    config = SMALL.replace(optimizer="adam", regularization="l1", regularization_rate=0.003, learning_rate=0.01)
    straight, reference = both_engines(config, 200, monkeypatch)
    split = Trainer(config, make_data(config))
    for chunk in (1, 13, 36):  # the compiled kernel, a few calls
        split.train(chunk)
    with monkeypatch.context() as patch:  # then NumPy, from the kernel's state
        numpy_engine(patch)
        split = Trainer.from_state(split.state())
        split.train(50)
    split = Trainer.from_state(split.state())  # and the kernel again
    split.train(100)
    assert_same_run(split, reference)
    assert_same_run(straight, reference)


def test_divergence_stops_both_engines_at_the_same_epoch(monkeypatch: pytest.MonkeyPatch) -> None:
    config = Config.from_dict({"problem": "regression", "activation": "linear", "learning_rate": 3})
    data = make_data(config)
    fast = Trainer(config, data)
    result = fast.train(1000)
    with monkeypatch.context() as patch:
        numpy_engine(patch)
        reference = Trainer(config, data)
        expected = reference.train(1000)
    assert result.diverged and expected.diverged and result.epoch == expected.epoch < 1000
    assert "diverged" in result.message


def test_unmeasured_epochs_are_unknown_rows_and_the_last_is_measured(monkeypatch: pytest.MonkeyPatch) -> None:
    config = SMALL
    quick, measured = Trainer(config, make_data(config)), Trainer(config, make_data(config))
    result = quick.train(40, measure=False)
    measured.train(40)
    assert np.isnan(quick.history.column("train_loss")[1:40]).all()
    np.testing.assert_array_equal(quick.history.column("train_loss")[[0, 40]],
                                  measured.history.column("train_loss")[[0, 40]])
    assert result.train_loss == measured.history.last("train_loss") and result.epoch == 40


def test_the_kernels_tanh_and_exp_are_within_2_and_1_ulp() -> None:
    x = np.concatenate([np.linspace(-40, 40, 400_001), np.random.default_rng(0).normal(0, 2, 100_000),
                        np.logspace(-300, 1, 2_000), -np.logspace(-300, 1, 2_000)])
    for name, reference, ulps, values in (("kernel_tanh", np.tanh, 2, x), ("kernel_exp", np.exp, 1, x * 17)):
        function = getattr(compiled.LIBRARY, name)
        function.argtypes = [ctypes.POINTER(ctypes.c_double)] * 2 + [ctypes.c_int64]
        out = np.empty_like(values)
        function(compiled.pointer(values), compiled.pointer(out), len(values))
        expected = reference(values)
        assert (np.abs(out - expected) <= ulps * np.spacing(np.abs(expected))).all(), name


def test_the_kernel_releases_the_gil_while_it_trains() -> None:
    config = Config(dataset="spiral", features=list(FEATURE_NAMES), hidden=[8] * 6)
    trainer = Trainer(config, make_data(config))
    started = threading.Event()

    def train() -> None:
        started.set()
        trainer.train(2_000)  # a few hundred milliseconds in one C call

    worker = threading.Thread(target=train)
    worker.start()
    started.wait()
    spins = 0
    while worker.is_alive():  # this thread runs Python meanwhile only if the call let go of the GIL
        spins += 1
    worker.join()
    assert trainer.epoch == 2_000
    assert spins > 10_000
