"""A network too large for memory is refused by Config, before anything is allocated, with one
line naming its size and the limit."""

from __future__ import annotations

import numpy as np
import pytest

from playground.engine.config import Config, ConfigError, parse_value
from playground.engine.data import make_data
from playground.engine.datasets import DataError
from playground.engine.experiment import state_from_dict, state_to_dict
from playground.engine.network import Network
from playground.engine.size_limits import (
    MAX_BATCH_NEURONS,
    MAX_EVALUATION_VALUES,
    MAX_HIDDEN_NEURONS,
    MAX_PARAMETERS,
    MAX_POINTS,
    memory_text,
    parameter_count,
    points_problem,
)
from playground.engine.trainer import Trainer
from tests.engine.helpers import config_refusal


def test_limits_fit_an_ordinary_laptop() -> None:
    assert (MAX_PARAMETERS, MAX_HIDDEN_NEURONS, MAX_BATCH_NEURONS) == (4_000_000, 4_096, 4_500_000)


@pytest.mark.parametrize("sizes", [(2, 1), (2, 4, 2, 1), (7, 8, 8, 8, 8, 8, 8, 1), (3, 1)])
def test_parameter_count_is_the_networks_size(sizes: tuple[int, ...]) -> None:
    assert parameter_count(sizes[0], sizes[1:-1]) == Network(sizes, "tanh", "tanh").size


def test_64_layers_of_4096_are_refused_naming_size_and_limit() -> None:
    hidden = [4096] * 64
    n_params = parameter_count(2, hidden)
    assert n_params > 10**9
    message = config_refusal(hidden=hidden)
    assert message.startswith("config key 'hidden': [4096, 4096, ")
    assert f"{n_params:,} parameters and 262,144 hidden neurons" in message
    assert "GB of memory" in message
    assert message.endswith("allowed: at most 4,000,000 parameters and 4,096 hidden neurons")


def test_the_command_line_value_is_refused_the_same_way() -> None:
    with pytest.raises(ConfigError, match=r"^config key 'hidden': .* is too large with 2 features: 1,057,"):
        Config.from_dict({"hidden": parse_value("hidden", ",".join(["4096"] * 64))})


def _widest_second_layer(first: int) -> int:
    """The largest b with [first, b] within MAX_PARAMETERS (2 features)."""
    b = 1
    while parameter_count(2, [first, b + 1]) <= MAX_PARAMETERS:
        b += 1
    return b


def test_parameter_limit_is_exact() -> None:
    b = _widest_second_layer(1990)
    assert 1990 + b + 1 <= MAX_HIDDEN_NEURONS  # only the parameters decide here
    assert parameter_count(2, [1990, b]) <= MAX_PARAMETERS < parameter_count(2, [1990, b + 1])
    Config(hidden=[1990, b])
    assert f"{parameter_count(2, [1990, b + 1]):,} parameters" in config_refusal(hidden=[1990, b + 1])


def test_more_features_count_too() -> None:
    b = _widest_second_layer(1990)
    message = config_refusal(hidden=[1990, b], features=["x1", "x2", "x1_x2"])
    assert "is too large with 3 features" in message


def test_hidden_neuron_limit_is_exact() -> None:
    Config(hidden=[4096])
    Config(hidden=[1024] * 4)
    message = config_refusal(hidden=[4096, 1])
    assert "4,097 hidden neurons" in message and "4,096 hidden neurons" in message


def test_batch_through_the_network_is_limited_for_csv_points() -> None:
    # A CSV file's size is unknown until it is read: the batch size itself must fit.
    most = MAX_BATCH_NEURONS // 4097
    Config(dataset="points.csv", hidden=[4096], batch_size=most)
    message = config_refusal(dataset="points.csv", hidden=[4096], batch_size=most + 1)
    assert message.startswith(f"config key 'batch_size': {most + 1} is too large for 4,097 neurons")
    assert message.endswith(f"so a batch size of at most {most:,} with this network")


def test_a_built_in_dataset_never_fills_a_batch_beyond_its_training_points() -> None:
    # plane: 1200 points, 90 % train = 1080 examples at most in a batch, whatever batch_size says.
    Config(problem="regression", dataset="plane", train_ratio=90, hidden=[4096], batch_size=100_000)
    Config(problem="regression", dataset="plane", train_ratio=90, hidden=[1024] * 4, batch_size=100_000)


def test_memory_text() -> None:
    assert memory_text(720e6) == "720 MB"
    assert memory_text(1.66e9) == "1.7 GB"
    assert memory_text(222.4e9) == "222 GB"


# ----- the user's points ---------------------------------------------------------------------
def test_points_problem_names_the_count_and_the_limit():
    assert points_problem(MAX_POINTS, (4, 2)) is None
    assert "100,001 points are too many; allowed: at most 100,000" in points_problem(MAX_POINTS + 1, (4, 2))
    # 60,000 points through 4,096 + 1 neurons: 245,820,000 values to measure the loss
    text = points_problem(60_000, (4096,))
    assert "245,820,000 values" in text and f"at most {MAX_EVALUATION_VALUES // 4097:,} points" in text
    assert points_problem(MAX_EVALUATION_VALUES // 4097, (4096,)) is None


def _csv(path, n: int) -> str:
    rng = np.random.default_rng(0)
    xy = rng.uniform(-5, 5, size=(n, 2))
    lines = [f"{x:.3f},{y:.3f},{1 if x * y > 0 else -1}" for x, y in xy]
    path.write_text("x,y,label\n" + "\n".join(lines) + "\n", encoding="utf-8")
    return str(path)


def test_a_csv_with_too_many_points_is_refused_while_reading(tmp_path):
    path = _csv(tmp_path / "many.csv", MAX_POINTS + 1)
    with pytest.raises(DataError, match="many.csv has more than 100,000 points; allowed: at most 100,000"):
        make_data(Config(dataset=path))


def test_too_many_points_for_a_wide_network_are_refused_and_change_nothing(tmp_path):
    path = _csv(tmp_path / "wide.csv", 30_000)
    config = Config(dataset=path, hidden=(1024,))  # 30,000 × 1,025 = 30,750,000 values
    data = make_data(config)
    with pytest.raises(DataError, match="points × neurons at most 25,000,000"):
        Trainer(config, data)
    small = Trainer(Config(dataset=path, hidden=(4,)), data)  # the same points fit a small network
    with pytest.raises(DataError, match="30,000 points through 1,025 neurons"):
        Trainer(config, small.data)
    wide = Trainer(Config(hidden=(1024,)), make_data(Config()))  # fits: the 500 circle points
    document = state_to_dict(wide.state())
    document["data"] = {"train": data.train.tolist(), "test": data.test.tolist()}  # 30,000 points
    with pytest.raises(DataError, match="points × neurons"):
        state_from_dict(document)
