from __future__ import annotations

import dataclasses
import json
from pathlib import Path

import pytest

from playground.engine import files
from playground.engine.config import (
    ACTIVATION_NAMES,
    CLASSIFICATION_DATASETS,
    CONFIG_KEYS,
    FEATURE_NAMES,
    OPTIMIZER_NAMES,
    PRESETS,
    PROBLEM_NAMES,
    REGRESSION_DATASETS,
    REGULARIZATION_NAMES,
    Config,
    ConfigError,
    parse_value,
)
from tests.engine.helpers import config_refusal

# ---------------------------------------------------------------- defaults and constants

def test_defaults_are_the_playgrounds() -> None:
    assert Config().to_dict() == {
        "problem": "classification",
        "classes": 3,
        "dataset": "circle",
        "noise": 0.0,
        "train_ratio": 50.0,
        "batch_size": 10,
        "hidden": [4, 2],
        "activation": "tanh",
        "learning_rate": 0.03,
        "regularization": "none",
        "regularization_rate": 0.0,
        "features": ["x1", "x2"],
        "optimizer": "sgd",
        "seed": 1,
    }


def test_constants() -> None:
    assert PROBLEM_NAMES == ("classification", "regression", "multiclass")
    assert CLASSIFICATION_DATASETS == ("circle", "xor", "gauss", "spiral")
    assert REGRESSION_DATASETS == ("plane", "multigauss")
    assert ACTIVATION_NAMES[:4] == ("relu", "tanh", "sigmoid", "linear")
    assert set(ACTIVATION_NAMES) == {
        "relu", "tanh", "sigmoid", "linear", "leaky_relu", "elu", "swish", "sine", "gaussian"
    }
    assert REGULARIZATION_NAMES == ("none", "l1", "l2")
    assert OPTIMIZER_NAMES == ("sgd", "momentum", "adam")
    assert FEATURE_NAMES == (
        "x1", "x2", "x1_squared", "x2_squared", "x1_x2", "sin_x1", "sin_x2"
    )
    assert PRESETS["learning_rate"] == (
        0.00001, 0.0001, 0.001, 0.003, 0.01, 0.03, 0.1, 0.3, 1, 3, 10
    )
    assert PRESETS["regularization_rate"] == (0, 0.001, 0.003, 0.01, 0.03, 0.1, 0.3, 1, 3, 10)
    assert CONFIG_KEYS == tuple(Config().to_dict())


def test_presets_are_all_valid() -> None:
    for rate in PRESETS["learning_rate"]:
        Config(learning_rate=rate)
    for rate in PRESETS["regularization_rate"]:
        Config(regularization_rate=rate)


def test_config_is_frozen_and_keyword_only() -> None:
    config = Config()
    with pytest.raises(dataclasses.FrozenInstanceError):
        config.noise = 5  # type: ignore[misc]
    with pytest.raises(TypeError):
        Config("regression")  # type: ignore[misc]


# ---------------------------------------------------------------- normalisation

def test_int_accepted_as_float_and_lists_become_tuples() -> None:
    config = Config(noise=5, train_ratio=70, learning_rate=1, regularization_rate=0,
                    hidden=[3, 3, 1], features=["x1", "sin_x2"])
    assert config.noise == 5.0 and type(config.noise) is float
    assert type(config.train_ratio) is float and type(config.learning_rate) is float
    assert type(config.regularization_rate) is float
    assert config.hidden == (3, 3, 1) and config.features == ("x1", "sin_x2")


def test_integral_float_accepted_as_int() -> None:
    config = Config(batch_size=30.0, seed=7.0, hidden=[4.0, 2])
    assert config.batch_size == 30 and type(config.batch_size) is int
    assert config.seed == 7 and type(config.seed) is int
    assert config.hidden == (4, 2) and all(type(w) is int for w in config.hidden)


def test_limits_are_inclusive() -> None:
    Config(noise=0, train_ratio=10, batch_size=1, seed=0, hidden=[], learning_rate=100,
           regularization_rate=100)
    Config(noise=50, train_ratio=90, batch_size=100000, seed=2**31 - 1, hidden=[4096])
    Config(hidden=[1] * 64)  # the most layers and the widest layer, each within the size limits


def test_every_choice_is_accepted() -> None:
    for name in ACTIVATION_NAMES:
        Config(activation=name)
    for name in OPTIMIZER_NAMES:
        Config(optimizer=name)
    for name in REGULARIZATION_NAMES:
        Config(regularization=name, regularization_rate=0.01)
    for name in CLASSIFICATION_DATASETS:
        Config(dataset=name)
    for name in REGRESSION_DATASETS:
        Config(problem="regression", dataset=name)
    Config(features=list(FEATURE_NAMES))


def test_other_dataset_strings_are_csv_paths() -> None:
    assert Config(dataset="data/points.csv").dataset == "data/points.csv"
    assert Config(problem="regression", dataset="does/not/exist.csv").dataset == (
        "does/not/exist.csv"
    )


# ---------------------------------------------------------------- refusals

@pytest.mark.parametrize(
    ("key", "value", "expected"),
    [
        ("noise", 60, "config key 'noise': 60 is out of range; allowed: a number from 0 to 50"),
        ("noise", -0.5, "config key 'noise': -0.5 is out of range; allowed: a number from 0 to 50"),
        ("train_ratio", 9.99, "config key 'train_ratio': 9.99 is out of range; "
         "allowed: a number from 10 to 90"),
        ("train_ratio", 91, "config key 'train_ratio': 91 is out of range; "
         "allowed: a number from 10 to 90"),
        ("batch_size", 0, "config key 'batch_size': 0 is out of range; "
         "allowed: an integer from 1 to 100000"),
        ("batch_size", 100001, "config key 'batch_size': 100001 is out of range; "
         "allowed: an integer from 1 to 100000"),
        ("learning_rate", 0, "config key 'learning_rate': 0 is out of range; "
         "allowed: a number greater than 0 and at most 100"),
        ("learning_rate", -0.1, "config key 'learning_rate': -0.1 is out of range; "
         "allowed: a number greater than 0 and at most 100"),
        ("learning_rate", 101, "config key 'learning_rate': 101 is out of range; "
         "allowed: a number greater than 0 and at most 100"),
        ("regularization_rate", -0.001, "config key 'regularization_rate': -0.001 is out of "
         "range; allowed: a number from 0 to 100"),
        ("regularization_rate", 100.5, "config key 'regularization_rate': 100.5 is out of "
         "range; allowed: a number from 0 to 100"),
        ("seed", -1, "config key 'seed': -1 is out of range; "
         "allowed: an integer from 0 to 2147483647"),
        ("seed", 2**31, "config key 'seed': 2147483648 is out of range; "
         "allowed: an integer from 0 to 2147483647"),
    ],
)
def test_out_of_range(key: str, value: object, expected: str) -> None:
    assert config_refusal(**{key: value}) == expected


@pytest.mark.parametrize("key", ["noise", "train_ratio", "learning_rate", "regularization_rate"])
def test_not_finite(key: str) -> None:
    for value in (float("nan"), float("inf"), float("-inf")):
        message = config_refusal(**{key: value})
        assert message.startswith(f"config key '{key}': {value!r} is not a finite number; ")
        assert "allowed: a number" in message


def test_huge_int_is_out_of_range_not_a_crash() -> None:
    assert "is out of range" in config_refusal(noise=10**400)


@pytest.mark.parametrize("key", ["noise", "train_ratio", "learning_rate",
                                 "regularization_rate", "batch_size", "seed"])
@pytest.mark.parametrize("value", [True, False, "10", None, [10]])
def test_wrong_type_for_number(key: str, value: object) -> None:
    message = config_refusal(**{key: value})
    assert message.startswith(f"config key '{key}': {value!r} is not a number; allowed: ")
    assert "from" in message or "greater than" in message


@pytest.mark.parametrize("key", ["batch_size", "seed"])
def test_fractional_for_integer(key: str) -> None:
    assert config_refusal(**{key: 10.5}).startswith(
        f"config key '{key}': 10.5 is not a whole number; allowed: an integer from "
    )


@pytest.mark.parametrize(
    ("key", "names"),
    [("problem", PROBLEM_NAMES), ("activation", ACTIVATION_NAMES),
     ("regularization", REGULARIZATION_NAMES), ("optimizer", OPTIMIZER_NAMES)],
)
def test_names_not_allowed(key: str, names: tuple[str, ...]) -> None:
    allowed = ", ".join(names)
    assert config_refusal(**{key: "relu6"}) == (
        f"config key '{key}': 'relu6' is not allowed; allowed: {allowed}"
    )
    assert config_refusal(**{key: "Tanh"}).endswith(f"is not allowed; allowed: {allowed}")
    assert config_refusal(**{key: 3}) == f"config key '{key}': 3 is not a name; allowed: {allowed}"


def test_dataset_of_the_other_problem() -> None:
    assert config_refusal(dataset="plane") == (
        "config key 'dataset': 'plane' is a regression dataset, not a classification one; "
        "allowed: circle, xor, gauss, spiral, or the path of a CSV file"
    )
    assert config_refusal(problem="regression", dataset="spiral") == (
        "config key 'dataset': 'spiral' is a classification dataset, not a regression one; "
        "allowed: plane, multigauss, or the path of a CSV file"
    )
    # The constructor's default dataset is a classification one.
    assert "'circle' is a classification dataset" in config_refusal(problem="regression")


@pytest.mark.parametrize("value", ["", "   ", 5, None])
def test_bad_dataset(value: object) -> None:
    message = config_refusal(dataset=value)
    assert message.startswith(f"config key 'dataset': {value!r} is ")
    assert message.endswith("allowed: circle, xor, gauss, spiral, or the path of a CSV file")


HIDDEN_ALLOWED = "allowed: a list of 0 to 64 integers from 1 to 4096"


@pytest.mark.parametrize(
    ("value", "problem"),
    [
        ([4, 0], "[4, 0] has a width of 0"),
        ([4, -2], "[4, -2] has a width of -2"),
        ([4097], "[4097] has a width of 4097"),
        ([4, 2.5], "[4, 2.5] has a width of 2.5, which is not an integer"),
        ([4, True], "[4, True] has a width of True, which is not an integer"),
        ([4, "2"], "[4, '2'] has a width of '2', which is not an integer"),
        ("4,2", "'4,2' is not a list"),
        (4, "4 is not a list"),
        ([1] * 65, "has 65 layers"),
    ],
)
def test_bad_hidden(value: object, problem: str) -> None:
    message = config_refusal(hidden=value)
    assert message.startswith("config key 'hidden': ")
    assert problem in message
    assert message.endswith(HIDDEN_ALLOWED)


FEATURES_ALLOWED = ("allowed: a non-empty list of distinct names from "
                    "x1, x2, x1_squared, x2_squared, x1_x2, sin_x1, sin_x2")


@pytest.mark.parametrize(
    ("value", "problem"),
    [
        ([], "[] is empty"),
        (["x1", "x3"], "['x1', 'x3'] contains 'x3'"),
        (["x1", 1], "['x1', 1] contains 1"),
        (["x1", "x2", "x1"], "['x1', 'x2', 'x1'] repeats 'x1'"),
        ("x1", "'x1' is not a list"),
    ],
)
def test_bad_features(value: object, problem: str) -> None:
    assert config_refusal(features=value) == f"config key 'features': {problem}; {FEATURES_ALLOWED}"


def test_long_values_are_shortened_to_one_line() -> None:
    message = config_refusal(hidden=list(range(1000)))
    assert "..." in message and len(message) < 250


# ---------------------------------------------------------------- from_dict / replace

def test_from_dict_missing_keys_take_defaults() -> None:
    assert Config.from_dict({}) == Config()
    assert Config.from_dict({"noise": 10}) == Config(noise=10.0)


def test_from_dict_regression_without_dataset_uses_plane() -> None:
    config = Config.from_dict({"problem": "regression"})
    assert config.dataset == "plane"


def test_from_dict_unknown_key() -> None:
    with pytest.raises(ConfigError) as info:
        Config.from_dict({"noise": 1, "nosie": 3})
    assert str(info.value) == (
        "config key 'nosie' (value 3) is not known; allowed keys: " + ", ".join(CONFIG_KEYS)
    )


def test_from_dict_not_a_mapping() -> None:
    with pytest.raises(ConfigError, match="config must be a mapping.*not list"):
        Config.from_dict([1, 2])  # type: ignore[arg-type]


def test_dict_round_trip() -> None:
    config = Config(problem="regression", dataset="multigauss", hidden=[8, 8, 8],
                    features=["x1_x2", "x1"], optimizer="adam", seed=99)
    assert Config.from_dict(config.to_dict()) == config
    assert isinstance(config.to_dict()["hidden"], list)
    json.dumps(config.to_dict())


def test_replace_validates() -> None:
    config = Config()
    changed = config.replace(noise=20, hidden=[5])
    assert changed.noise == 20.0 and changed.hidden == (5,) and config.noise == 0.0
    with pytest.raises(ConfigError, match="'noise': 60 is out of range"):
        config.replace(noise=60)
    with pytest.raises(ConfigError, match="'nosie' .* is not known"):
        config.replace(nosie=1)


# ---------------------------------------------------------------- files

def test_save_load_round_trip(tmp_path: Path) -> None:
    config = Config(dataset="spiral", noise=25, hidden=[], activation="relu",
                    regularization="l2", regularization_rate=0.003, seed=2147483647)
    path = tmp_path / "config.json"
    config.save(path)
    assert Config.load(path) == config
    text = path.read_text()
    assert text.endswith("\n") and '\n  "noise": 25.0,' in text
    assert json.loads(text) == config.to_dict()
    assert [p.name for p in tmp_path.iterdir()] == ["config.json"]


def test_save_failure_keeps_old_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = tmp_path / "config.json"
    Config(noise=5).save(path)

    def broken_replace(src: object, dst: object) -> None:
        raise OSError("no space left")

    monkeypatch.setattr(files.os, "replace", broken_replace)
    with pytest.raises(OSError):
        Config(noise=10).save(path)
    monkeypatch.undo()
    assert Config.load(path).noise == 5.0
    assert [p.name for p in tmp_path.iterdir()] == ["config.json"]


def _load_error(path: Path) -> str:
    with pytest.raises(ConfigError) as info:
        Config.load(path)
    message = str(info.value)
    assert "\n" not in message and str(path) in message
    return message


def test_load_missing_file(tmp_path: Path) -> None:
    path = tmp_path / "none.json"
    assert _load_error(path) == f"cannot read config '{path}': no such file"


def test_load_not_json(tmp_path: Path) -> None:
    path = tmp_path / "c.json"
    path.write_text("noise = 5\n")
    assert "invalid JSON at line 1, column 1 (Expecting value)" in _load_error(path)


def test_load_truncated(tmp_path: Path) -> None:
    path = tmp_path / "c.json"
    Config().save(path)
    path.write_text(path.read_text()[:40])
    assert "invalid JSON at line" in _load_error(path)


def test_load_nan_literal(tmp_path: Path) -> None:
    path = tmp_path / "c.json"
    path.write_text('{"noise": NaN}')
    assert "invalid JSON (NaN is not valid JSON)" in _load_error(path)


def test_load_not_an_object(tmp_path: Path) -> None:
    path = tmp_path / "c.json"
    path.write_text("[1, 2]")
    assert _load_error(path) == f"cannot read config '{path}': expected a JSON object, found a list"


def test_load_bad_value_names_file_key_and_range(tmp_path: Path) -> None:
    path = tmp_path / "c.json"
    path.write_text('{"noise": 60}')
    assert _load_error(path) == (
        f"cannot read config '{path}': config key 'noise': 60 is out of range; "
        "allowed: a number from 0 to 50"
    )


def test_load_unknown_key(tmp_path: Path) -> None:
    path = tmp_path / "c.json"
    path.write_text('{"colour": "red"}')
    assert "config key 'colour' (value 'red') is not known; allowed keys: problem" in (
        _load_error(path)
    )


# ---------------------------------------------------------------- parse_value

@pytest.mark.parametrize(
    ("key", "text", "expected"),
    [
        ("hidden", "4,2", (4, 2)),
        ("hidden", " 8, 8 ,8 ", (8, 8, 8)),
        ("hidden", "[3, 1]", (3, 1)),
        ("hidden", "", ()),
        ("hidden", "5", (5,)),
        ("features", "x1,x2", ("x1", "x2")),
        ("features", "x1, sin_x2", ("x1", "sin_x2")),
        ("noise", "12.5", 12.5),
        ("learning_rate", "1e-5", 1e-5),
        ("regularization_rate", "0", 0.0),
        ("batch_size", "30", 30),
        ("batch_size", "30.0", 30),
        ("seed", "2147483647", 2147483647),
        ("activation", " relu ", "relu"),
        ("dataset", "my data.csv", "my data.csv"),
        ("problem", "regression", "regression"),
    ],
)
def test_parse_value(key: str, text: str, expected: object) -> None:
    value = parse_value(key, text)
    assert value == expected and type(value) is type(expected)
    Config.from_dict({key: value, **({"problem": "regression"} if key == "problem" else {})})


def test_parse_value_builds_a_config() -> None:
    flags = {"hidden": "6,6,6", "features": "x1,x2,x1_x2", "batch_size": "1", "noise": "10"}
    config = Config.from_dict({key: parse_value(key, text) for key, text in flags.items()})
    assert config.hidden == (6, 6, 6) and config.batch_size == 1 and config.noise == 10.0


@pytest.mark.parametrize(
    ("key", "text", "expected"),
    [
        ("noise", "abc", "config key 'noise': 'abc' is not a number; "
         "allowed: a number from 0 to 50"),
        ("learning_rate", "", "config key 'learning_rate': '' is not a number; "
         "allowed: a number greater than 0 and at most 100"),
        ("batch_size", "ten", "config key 'batch_size': 'ten' is not a number; "
         "allowed: an integer from 1 to 100000"),
        ("batch_size", "10.5", "config key 'batch_size': '10.5' is not a whole number; "
         "allowed: an integer from 1 to 100000"),
        ("hidden", "4,x", "config key 'hidden': 'x' is not a number; " + HIDDEN_ALLOWED),
        ("hidden", "4,,2", "config key 'hidden': '4,,2' has an empty width; " + HIDDEN_ALLOWED),
        ("hidden", "4,2.5", "config key 'hidden': '2.5' is not a whole number; "
         + HIDDEN_ALLOWED),
        ("colour", "red", "config key 'colour' (value 'red') is not known; allowed keys: "
         + ", ".join(CONFIG_KEYS)),
    ],
)
def test_parse_value_refusals(key: str, text: str, expected: str) -> None:
    with pytest.raises(ConfigError) as info:
        parse_value(key, text)
    assert str(info.value) == expected


def test_parsed_values_are_still_range_checked() -> None:
    with pytest.raises(ConfigError, match="'noise': 60.0 is out of range"):
        Config.from_dict({"noise": parse_value("noise", "60")})
    with pytest.raises(ConfigError, match="'features': \\[\\] is empty"):
        Config.from_dict({"features": parse_value("features", "")})
    with pytest.raises(ConfigError, match="'learning_rate': nan is not a finite number"):
        Config.from_dict({"learning_rate": parse_value("learning_rate", "nan")})
