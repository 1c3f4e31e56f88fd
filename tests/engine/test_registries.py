"""Each list of names lives in one registry, whose entries carry their display labels; config
and the window take the names and labels from there."""

from __future__ import annotations

import pytest

from playground.engine import activations, config, datasets, features, optimizers, regularization

REGISTRIES = {
    "activation": (activations.ACTIVATIONS, activations.ACTIVATION_NAMES, activations.ACTIVATION_LABELS),
    "optimizer": (optimizers.OPTIMIZERS, optimizers.OPTIMIZER_NAMES, optimizers.OPTIMIZER_LABELS),
    "regularization": (regularization.REGULARIZERS, regularization.REGULARIZATION_NAMES,
                       regularization.REGULARIZATION_LABELS),
    "feature": (features.FEATURES, features.FEATURE_NAMES, features.FEATURE_LABELS),
    "dataset": (datasets.DATASETS | datasets.MULTICLASS, tuple(datasets.DATASET_LABELS), datasets.DATASET_LABELS),
}


@pytest.mark.parametrize("kind", REGISTRIES)
def test_every_entry_has_its_own_label(kind: str) -> None:
    registry, names, labels = REGISTRIES[kind]
    assert tuple(registry) == names == tuple(labels)
    for name, entry in registry.items():
        assert entry.name == name and entry.label == labels[name]
    assert all(label.strip() for label in labels.values())
    assert len(set(labels.values())) == len(labels), "two entries would look the same in the window"


def test_config_takes_its_names_from_the_registries() -> None:
    assert config.ACTIVATION_NAMES is activations.ACTIVATION_NAMES
    assert config.OPTIMIZER_NAMES is optimizers.OPTIMIZER_NAMES
    assert config.REGULARIZATION_NAMES is regularization.REGULARIZATION_NAMES
    assert config.FEATURE_NAMES is features.FEATURE_NAMES
    assert config.PROBLEM_NAMES is datasets.PROBLEM_NAMES
    assert config.CLASSIFICATION_DATASETS is datasets.CLASSIFICATION_DATASETS
    assert config.REGRESSION_DATASETS is datasets.REGRESSION_DATASETS


def test_datasets_belong_to_their_problem_and_the_first_is_the_default() -> None:
    classification = ("circle", "xor", "gauss", "spiral")
    assert datasets.datasets_of("classification") == datasets.CLASSIFICATION_DATASETS == classification
    assert datasets.datasets_of("regression") == datasets.REGRESSION_DATASETS == ("plane", "multigauss")
    assert datasets.default_dataset("classification") == "circle"
    assert datasets.default_dataset("regression") == "plane"
    assert config.Config.from_dict({"problem": "regression"}).dataset == datasets.default_dataset("regression")
    assert set(datasets.PROBLEM_LABELS) == set(datasets.PROBLEM_NAMES)


def test_the_labels_the_window_shows() -> None:
    assert activations.ACTIVATION_LABELS["leaky_relu"] == "Leaky ReLU"
    assert optimizers.OPTIMIZER_LABELS == {"sgd": "SGD", "momentum": "Momentum", "adam": "Adam"}
    assert regularization.REGULARIZATION_LABELS == {"none": "None", "l1": "L1", "l2": "L2"}
    assert datasets.DATASET_LABELS["xor"] == "Exclusive or" and datasets.DATASET_LABELS["multigauss"] == "Multi-Gauss"
    assert datasets.PROBLEM_LABELS == {
        "classification": "Classification", "regression": "Regression", "multiclass": "Multi-class",
    }


# ---------------------------------------------------------------- one table of field specs

def test_one_field_spec_per_config_key() -> None:
    assert tuple(config.FIELDS) == config.CONFIG_KEYS


def _command_line_text(value: object) -> str:
    return ",".join(str(v) for v in value) if isinstance(value, list) else str(value)


def test_every_default_survives_the_command_line() -> None:
    defaults = config.Config().to_dict()
    parsed = {key: config.parse_value(key, _command_line_text(value)) for key, value in defaults.items()}
    assert config.Config.from_dict(parsed) == config.Config()


@pytest.mark.parametrize(
    ("key", "bad_text", "bad_value"),
    [("noise", "abc", 60), ("train_ratio", "x", 5), ("learning_rate", "", 0), ("regularization_rate", "?", -1),
     ("batch_size", "ten", 0), ("seed", "1.5", -1), ("hidden", "4,x", [0])],
)
def test_command_line_and_value_refusals_allow_the_same(key: str, bad_text: str, bad_value: object) -> None:
    with pytest.raises(config.ConfigError) as parsed:
        config.parse_value(key, bad_text)
    with pytest.raises(config.ConfigError) as checked:
        config.Config(**{key: bad_value})
    allowed = str(checked.value).split("; allowed: ")[1]
    assert str(parsed.value).endswith("; allowed: " + allowed)
    assert allowed == config.FIELDS[key].allowed
