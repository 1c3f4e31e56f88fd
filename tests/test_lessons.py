"""Each lesson shows what its description says, trained headless from the file as shipped, and the
description field of experiment files is validated, kept and written back.

The lessons are at epoch 0 and their claims are measured here over the epochs the descriptions name
(tools/make_lessons.py writes them; rerun it and this test after changing one)."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

from playground.engine.experiment import (
    MAX_DESCRIPTION,
    ExperimentError,
    description_of,
    load_experiment,
    read_description,
    read_experiment,
    read_experiment_file,
    save_experiment,
)
from playground.engine.features import FEATURE_NAMES
from playground.engine.trainer import Trainer
from playground.resource_files import lesson_paths, lesson_title

TITLES = {
    "01-a-linear-model-cannot-do-XOR": "A linear model cannot do XOR",
    "02-too-high-a-learning-rate-diverges": "Too high a learning rate diverges",
    "03-L1-kills-weights": "L1 kills weights",
    "04-vanishing-gradients-with-sigmoid-in-6-layers": "Vanishing gradients with sigmoid in 6 layers",
    "05-features-make-the-spiral-easy": "Features make the spiral easy",
    "06-momentum-vs-SGD-from-the-same-start": "Momentum vs SGD from the same start",
    "07-four-classes-of-blobs": "Four classes of blobs",
}


def lesson(name: str) -> Trainer:
    (path,) = [p for p in lesson_paths() if p.stem == name]
    return load_experiment(path)


def rebuilt(trainer: Trainer, **changes: object) -> Trainer:
    """What the window does for a structural change: a new network (seeded) on the same data."""
    return Trainer(trainer.config.replace(**changes), trainer.data)


def layer_gradient_norms(trainer: Trainer) -> list[float]:
    """Each layer's L2 norm of the last update's mean gradient (weights and biases), as the
    'Gradient size per layer' chart draws it."""
    views = trainer.network.views(trainer.last_gradient())
    return [float(np.sqrt((w**2).sum() + (b**2).sum())) for w, b in zip(views.weights, views.biases)]


# ---------------------------------------------------------------- the lessons as shipped

def test_every_lesson_opens_at_epoch_0_with_a_description_and_a_title() -> None:
    paths = lesson_paths()
    assert {p.stem: lesson_title(p) for p in paths} == TITLES and paths == sorted(paths)
    for path in paths:
        state, description = read_experiment_file(path)
        assert state.epoch == 0 and description is not None and 100 < len(description) <= MAX_DESCRIPTION
        assert read_description(path) == description


def test_a_linear_model_cannot_do_xor_but_one_hidden_layer_of_4_can() -> None:
    trainer = lesson("01-a-linear-model-cannot-do-XOR")
    assert trainer.config.hidden == () and trainer.config.dataset == "xor"
    assert trainer.train(1000).test_accuracy < 0.65  # a line splits XOR no better than chance
    assert rebuilt(trainer, hidden=(4,)).train(300).test_accuracy > 0.9


def test_too_high_a_learning_rate_diverges_and_the_default_settles() -> None:
    trainer = lesson("02-too-high-a-learning-rate-diverges")
    result = trainer.train(50)
    assert result.diverged and result.epoch <= 20 and not np.isfinite(result.test_loss)
    calm = rebuilt(trainer, learning_rate=0.03).train(100)  # Reset with the rate lowered
    assert not calm.diverged and calm.test_loss < 0.01


def test_l1_kills_weights_and_keeps_only_the_squares() -> None:
    trainer = lesson("03-L1-kills-weights")
    weights = trainer.network.views(np.arange(trainer.network.size)).weights
    n_weights = sum(w.size for w in weights)
    assert not trainer.dead_mask().any()
    result = trainer.train(300)
    dead = trainer.network.views(trainer.dead_mask()).weights
    assert sum(int(d.sum()) for d in dead) >= 0.75 * n_weights  # at least three weights in four are dead
    assert result.test_accuracy >= 0.95  # and the circle is still drawn
    features = trainer.config.features
    alive = {features[row] for row in np.flatnonzero((~dead[0]).any(axis=1))}
    assert alive == {"x1_squared", "x2_squared"}
    assert set(features) == set(FEATURE_NAMES)


def test_vanishing_gradients_with_sigmoid_in_6_layers() -> None:
    trainer = lesson("04-vanishing-gradients-with-sigmoid-in-6-layers")
    assert trainer.config.hidden == (8,) * 6 and trainer.config.activation == "sigmoid"
    trainer.train(10)
    norms = layer_gradient_norms(trainer)
    assert norms[0] < 2e-3 * norms[-1]  # about a thousand times smaller at the inputs, as it says
    assert trainer.train(290).test_accuracy < 0.6  # stuck at epoch 300
    assert rebuilt(trainer, activation="tanh").train(300).test_accuracy > 0.9


def test_features_make_the_spiral_easy() -> None:
    trainer = lesson("05-features-make-the-spiral-easy")
    assert set(trainer.config.features) == set(FEATURE_NAMES)
    assert trainer.train(300).test_accuracy > 0.9
    assert rebuilt(trainer, features=("x1", "x2")).train(300).test_accuracy < 0.7  # "still near 60 %"


def test_momentum_beats_sgd_from_the_same_start() -> None:
    sgd = lesson("06-momentum-vs-SGD-from-the-same-start")
    momentum = lesson("06-momentum-vs-SGD-from-the-same-start")
    assert sgd.config.optimizer == "sgd" and sgd.state().is_identical_to(momentum.state())
    momentum.set_hyperparameters(optimizer="momentum")  # the Optimizer box: live, the network is kept
    sgd_loss, momentum_loss = sgd.train(200).test_loss, momentum.train(200).test_loss
    assert sgd_loss > 0.45 and momentum_loss < 0.5 * sgd_loss


def test_four_classes_of_blobs_are_all_classified() -> None:
    trainer = lesson("07-four-classes-of-blobs")
    assert trainer.config.problem == "multiclass" and trainer.config.classes == 4
    assert trainer.train(200).test_accuracy == 1.0


# ---------------------------------------------------------------- the description field

def lesson_document() -> dict:
    return json.loads(lesson_paths()[0].read_text(encoding="utf-8"))


def write(path: Path, document: dict) -> Path:
    path.write_text(json.dumps(document), encoding="utf-8")
    return path


@pytest.mark.parametrize("value, says", [
    (42, "a JSON number"), (None, "a JSON null"), (["a"], "a JSON list"), ("  \n", "blank"), ("", "blank"),
    ("x" * (MAX_DESCRIPTION + 1), f"{MAX_DESCRIPTION + 1} characters long"),
])
def test_a_bad_description_refuses_the_file_in_one_line(tmp_path: Path, value: object, says: str) -> None:
    path = write(tmp_path / "bad.json", {**lesson_document(), "description": value})
    with pytest.raises(ExperimentError) as caught:
        read_experiment(path)
    message = str(caught.value)
    assert "\n" not in message and "'description'" in message and says in message
    assert f"text of 1 to {MAX_DESCRIPTION} characters" in message and str(path) in message
    assert read_description(path) is None  # the window shows no note for a file it could not open


def test_a_file_without_a_description_has_none(tmp_path: Path) -> None:
    document = lesson_document()
    del document["description"]
    path = write(tmp_path / "plain.json", document)
    assert read_experiment_file(path)[1] is None and read_description(path) is None
    assert description_of(load_experiment(path)) is None
    save_experiment(load_experiment(path), tmp_path / "saved.json")
    assert "description" not in json.loads((tmp_path / "saved.json").read_text(encoding="utf-8"))


def test_saving_a_trainer_opened_from_a_lesson_keeps_its_description(tmp_path: Path) -> None:
    path = lesson_paths()[0]
    trainer = load_experiment(path)
    trainer.train(3)
    save_experiment(trainer, tmp_path / "mine.json")
    saved = json.loads((tmp_path / "mine.json").read_text(encoding="utf-8"))
    assert saved["description"] == read_description(path) and saved["epoch"] == 3
    assert list(saved)[:3] == ["format", "version", "description"]  # near the top, for a person reading
    fresh = Trainer(trainer.config, trainer.data)  # a reset builds a new trainer: the lesson is left
    assert description_of(fresh) is None


def test_a_teachers_own_description_is_read_wherever_it_stands(tmp_path: Path) -> None:
    document = lesson_document()
    text = document.pop("description")
    path = write(tmp_path / "teacher.json", {**document, "description": "Watch the « edges » — ünïcode."})
    assert read_description(path) == "Watch the « edges » — ünïcode." != text
    assert read_description(tmp_path / "missing.json") is None
