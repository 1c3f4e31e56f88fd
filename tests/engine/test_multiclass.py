"""Multi-class classification: the reference trace, datasets, CSV labels, files, and empty sets."""

from __future__ import annotations

import json
import math
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from playground.engine.config import Config, ConfigError
from playground.engine.config_edits import DATA, NOTHING, LoadPoints, effect
from playground.engine.data import SplitData, make_data
from playground.engine.datasets import BLOB_RADIUS, DataError, generate, load_csv
from playground.engine.experiment import ExperimentError, read_experiment, state_from_dict, state_to_dict
from playground.engine.losses import SMALLEST_PROBABILITY, accuracy, mean_loss, targets_of
from playground.engine.trainer import Trainer

DATA_DIR = Path(__file__).resolve().parents[1] / "data"
EPOCH0 = DATA_DIR / "multiclass_example_epoch0.json"  # see tests/data/README.md
FIFTY = DATA_DIR / "multiclass_example_50_epochs.json"
TOLERANCE = 1e-12


def multiclass(**changes) -> Config:
    return Config.from_dict({"problem": "multiclass", **changes})


# ---------------------------------------------------------------- the reference


def test_fifty_epochs_reproduce_every_loss_and_weight_of_the_independent_reference() -> None:
    reference = json.loads(FIFTY.read_text(encoding="utf-8"))
    trainer = Trainer.from_state(read_experiment(EPOCH0))
    assert trainer.config.n_outputs == 3 and trainer.network.weights[-1].shape == (4, 3)
    trainer.train(50)
    history = trainer.history.to_columns()
    np.testing.assert_allclose(history["train_loss"], reference["train_loss"], rtol=0, atol=TOLERANCE)
    np.testing.assert_allclose(history["test_loss"], reference["test_loss"], rtol=0, atol=TOLERANCE)
    for mine, theirs in zip(trainer.network.weights, reference["final_weights"]):
        np.testing.assert_allclose(mine, theirs, rtol=0, atol=TOLERANCE)
    for mine, theirs in zip(trainer.network.biases, reference["final_biases"]):
        np.testing.assert_allclose(mine, theirs, rtol=0, atol=TOLERANCE)


def test_the_cli_reproduces_the_reference_from_the_file(tmp_path: Path) -> None:
    out = tmp_path / "after.json"
    subprocess.run(
        [sys.executable, "-m", "playground", "train", "--from", str(EPOCH0), "--epochs", "50", "--out", str(out)],
        check=True, capture_output=True, text=True,
    )
    reference = json.loads(FIFTY.read_text(encoding="utf-8"))
    history = json.loads(out.read_text(encoding="utf-8"))["history"]
    np.testing.assert_allclose(history["train_loss"], reference["train_loss"], rtol=0, atol=TOLERANCE)
    np.testing.assert_allclose(history["test_loss"], reference["test_loss"], rtol=0, atol=TOLERANCE)


# ---------------------------------------------------------------- loss and accuracy


def test_cross_entropy_is_the_mean_of_minus_log_p_of_the_label_and_accuracy_is_argmax() -> None:
    p = np.array([[0.7, 0.2, 0.1], [0.1, 0.3, 0.6], [0.5, 0.4, 0.1]])
    labels = np.array([0.0, 1.0, 1.0])
    targets = targets_of(labels, "multiclass", 3)
    np.testing.assert_array_equal(targets, [[1, 0, 0], [0, 1, 0], [0, 1, 0]])
    assert mean_loss(p, targets, "multiclass") == pytest.approx(-(math.log(0.7) + math.log(0.3) + math.log(0.4)) / 3)
    assert accuracy(p, targets, "multiclass") == pytest.approx(1 / 3)
    # A probability that underflowed to 0 gives a large, finite loss, not inf.
    assert mean_loss(np.array([[1.0, 0.0]]), targets_of(np.array([1.0]), "multiclass", 2), "multiclass") == (
        pytest.approx(-math.log(SMALLEST_PROBABILITY))
    )


def test_softmax_outputs_stay_finite_for_huge_pre_activations() -> None:
    config = multiclass(hidden=[])
    data = SplitData(np.array([[1.0, 0.0, 0.0], [0.0, 1.0, 2.0]]), np.empty((0, 3)))
    trainer = Trainer(config, data)
    trainer.network.params[...] = 400.0  # z ≈ 1200 at every output: e^z overflows unless the max is subtracted
    trainer.network.weights[-1][0, 1] = 500.0
    p = trainer.outputs()[0]
    assert p.shape == (2, 3) and np.isfinite(p).all()
    np.testing.assert_allclose(p.sum(axis=1), 1.0)


def test_an_empty_set_measures_nan_which_is_not_divergence() -> None:
    data = SplitData(np.array([[1.0, 1.0, 0.0], [2.0, 0.0, 1.0]]), np.empty((0, 3)))
    trainer = Trainer(multiclass(), data)
    result = trainer.train_epoch()
    assert math.isnan(result.test_loss) and math.isnan(result.test_accuracy)
    assert math.isfinite(result.train_loss) and not result.diverged


def test_no_training_points_cannot_be_trained_on_but_measure() -> None:
    data = SplitData(np.empty((0, 3)), np.array([[1.0, 1.0, 1.0]]))
    trainer = Trainer(Config(), data)
    assert math.isnan(trainer.history.last("train_loss")) and math.isfinite(trainer.history.last("test_loss"))
    assert not trainer.last_result().diverged
    with pytest.raises(DataError, match="no training points"):
        trainer.train_epoch()
    assert trainer.outputs()[0].shape == (0,)


# ---------------------------------------------------------------- config and datasets


def test_classes_is_a_config_key_of_2_to_8() -> None:
    assert multiclass(classes=8).layer_sizes == (2, 4, 2, 8)
    assert Config().layer_sizes == (2, 4, 2, 1) and Config().classes == 3
    for bad in (1, 9, 2.5):
        with pytest.raises(ConfigError, match="'classes'.*allowed: an integer from 2 to 8"):
            multiclass(classes=bad)
    with pytest.raises(ConfigError, match="'circle' is a classification dataset, not a multiclass one"):
        multiclass(dataset="circle")
    with pytest.raises(ConfigError, match="'blobs' is a multiclass dataset, not a classification one"):
        Config(dataset="blobs")
    assert multiclass().dataset == "spiral"


def test_classes_matters_only_to_multiclass() -> None:
    assert effect(Config(), Config(classes=5)) == NOTHING
    assert effect(multiclass(), multiclass(classes=5)) == DATA


@pytest.mark.parametrize("name", ["spiral", "blobs"])
@pytest.mark.parametrize("classes", [2, 3, 7, 8])
def test_every_class_gets_its_share_of_500_points(name: str, classes: int) -> None:
    points = generate(name, 0, np.random.default_rng(3), "multiclass", classes)
    assert points.shape == (500, 3)
    counts = np.bincount(points[:, 2].astype(int), minlength=classes)
    assert len(counts) == classes and counts.max() - counts.min() <= 1
    assert np.abs(points[:, :2]).max() < 8


def test_the_spiral_has_one_arm_per_class_turned_by_2pi_over_k() -> None:
    points = generate("spiral", 0, np.random.default_rng(0), "multiclass", 4)
    for k in range(4):
        arm = points[points[:, 2] == k]
        m = len(arm)
        i = np.arange(m)
        r, t = i / m * 5, 1.75 * i / m * 2 * math.pi + 2 * math.pi * k / 4
        np.testing.assert_allclose(arm[:, :2], np.column_stack([r * np.sin(t), r * np.cos(t)]), atol=1e-12)


def test_two_arms_have_the_binary_spirals_shape() -> None:
    binary = generate("spiral", 0, np.random.default_rng(0))
    two = generate("spiral", 0, np.random.default_rng(0), "multiclass", 2)
    np.testing.assert_allclose(two[:, :2], binary[:, :2], atol=1e-12)
    np.testing.assert_array_equal(two[:, 2], np.where(binary[:, 2] == 1, 0, 1))


def test_blobs_centre_on_a_circle() -> None:
    points = generate("blobs", 0, np.random.default_rng(1), "multiclass", 5)
    for k in range(5):
        centre = points[points[:, 2] == k, :2].mean(axis=0)
        angle = 2 * math.pi * k / 5
        np.testing.assert_allclose(centre, BLOB_RADIUS * np.array([math.cos(angle), math.sin(angle)]), atol=0.25)


def test_same_seed_same_multiclass_run_and_noise_moves_only_points() -> None:
    config = multiclass(dataset="blobs", classes=4, hidden=[3])
    runs = []
    for _ in range(2):
        trainer = Trainer(config, make_data(config))
        trainer.train(20)
        runs.append(trainer.history.to_columns()["train_loss"])
    np.testing.assert_array_equal(runs[0], runs[1])
    quiet = generate("blobs", 0, np.random.default_rng(5), "multiclass", 4)
    noisy = generate("blobs", 30, np.random.default_rng(5), "multiclass", 4)
    np.testing.assert_array_equal(quiet[:, 2], noisy[:, 2])
    assert not np.array_equal(quiet[:, :2], noisy[:, :2])


# ---------------------------------------------------------------- CSV labels


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "classes.csv"
    path.write_text(text, encoding="utf-8")
    return path


def test_integer_labels_make_k_classes(tmp_path: Path) -> None:
    path = write(tmp_path, "x,y,label\n0,0,0\n1,1,1\n2,2,2\n3,3,3\n4,4,1.0\n")
    points = load_csv(path, "multiclass")
    np.testing.assert_array_equal(points[:, 2], [0, 1, 2, 3, 1])
    config = LoadPoints(str(path)).apply(multiclass())  # the file decides K
    assert config.classes == 4 and config.dataset == str(path)
    data = make_data(config.replace(train_ratio=80))
    assert len(data.train) + len(data.test) == 5


@pytest.mark.parametrize(("rows", "words"), [
    ("0,0,0\n1,1,1.5\n", "line 2, column 'label': '1.5' is not a class index; allowed: whole numbers 0 to 7"),
    ("0,0,0\n1,1,-1\n", "'-1' is not a class index"),
    ("0,0,0\n1,1,8\n", "'8' is not a class index"),
    ("0,0,0\n1,1,1\n2,2,3\n", "the labels 0, 1, 3 are 3 classes but class 2 has no point"),
    ("0,0,1\n1,1,1\n", "every point has label 1"),
])
def test_other_labels_are_refused_with_what_is_allowed(tmp_path: Path, rows: str, words: str) -> None:
    with pytest.raises(DataError) as info:
        load_csv(write(tmp_path, rows), "multiclass")
    assert words in str(info.value) and "\n" not in str(info.value)


def test_a_file_with_another_number_of_classes_than_the_config_is_refused(tmp_path: Path) -> None:
    path = write(tmp_path, "0,0,0\n1,1,1\n2,2,0\n3,3,1\n")
    with pytest.raises(DataError, match="has 2 classes .* config says classes 3; allowed: set classes to 2"):
        make_data(multiclass(dataset=str(path)))


# ---------------------------------------------------------------- experiment files


def test_a_multiclass_run_saves_and_continues_exactly(tmp_path: Path) -> None:
    config = multiclass(dataset="blobs", classes=5, hidden=[4], optimizer="adam", regularization="l1",
                        regularization_rate=0.003, batch_size=7)
    straight = Trainer(config, make_data(config))
    straight.train(10)
    document = json.loads(json.dumps(state_to_dict(straight.state())))
    assert np.array(document["network"]["weights"][-1]).shape == (4, 5)
    assert {row[2] for row in document["data"]["train"]} == {0, 1, 2, 3, 4}
    resumed = Trainer.from_state(state_from_dict(document))
    straight.train(15)
    resumed.train(15)
    np.testing.assert_array_equal(resumed.network.params, straight.network.params)
    np.testing.assert_array_equal(resumed.history.to_columns()["train_loss"],
                                  straight.history.to_columns()["train_loss"])


def test_a_file_whose_label_is_not_a_class_index_is_refused(tmp_path: Path) -> None:
    document = json.loads(EPOCH0.read_text(encoding="utf-8"))
    document["data"]["train"][4][2] = 3
    path = tmp_path / "bad.json"
    path.write_text(json.dumps(document), encoding="utf-8")
    with pytest.raises(ExperimentError, match=r"data.train\[4\] has label 3 is not a class; allowed: the class "
                                              r"indices 0 to 2"):
        read_experiment(path)
    document["data"]["train"][4][2] = 1
    document["network"]["weights"][-1] = [row[:2] for row in document["network"]["weights"][-1]]
    path.write_text(json.dumps(document), encoding="utf-8")
    with pytest.raises(ExperimentError, match=r"network.weights\[1\] has shape \(4, 2\); the config needs \(4, 3\)"):
        read_experiment(path)


def test_the_three_class_spiral_example_reaches_90_percent_test_accuracy_by_epoch_2000() -> None:
    from playground.resource_files import examples_folder

    trainer = Trainer.from_state(read_experiment(examples_folder() / "spiral-three-classes.json"))
    config = trainer.config
    assert (config.problem, config.dataset, config.classes, config.features) == ("multiclass", "spiral", 3, ("x1", "x2"))
    assert trainer.epoch == 100 and trainer.history.last("test_accuracy") < 0.6  # opens part-way, as the others
    trainer.train(1900)
    assert trainer.history.last("test_accuracy") >= 0.9
