"""`playground --screenshot … --inspect train:K --stage NAME --select ITEM`: every inspector stage
rendered from the command line, and one-line refusals of what the network does not have."""

from __future__ import annotations

from pathlib import Path

import pytest

from playground.cli_errors import UsageError
from playground.inspect_request import STAGE_NAMES, check_inspect, parse_inspect
from tests.test_app_cli import assert_refused, run


def test_a_stage_of_the_inspector_renders_to_a_png(tmp_path: Path):
    out = tmp_path / "blame.png"
    result = run("--screenshot", str(out), "--epochs", "5", "--inspect", "batch:3", "--stage", "blame",
                 "--select", "edge:0,1,2")
    assert result.returncode == 0, result.stderr
    assert out.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


def test_a_multiclass_stage_renders_with_an_output_weight_selected(tmp_path: Path):
    config = tmp_path / "three.json"
    config.write_text('{"problem": "multiclass", "classes": 3, "dataset": "blobs", "hidden": [4]}', encoding="utf-8")
    out = tmp_path / "miss.png"
    result = run("--screenshot", str(out), "--config", str(config), "--epochs", "3", "--inspect", "train:3",
                 "--stage", "miss", "--select", "edge:1,0,2")
    assert result.returncode == 0, result.stderr
    assert out.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


@pytest.mark.parametrize(
    ("args", "words"),
    [
        (("--inspect", "train:x"), ("train:K",)),
        (("--inspect", "train:0", "--stage", "reload"), ("reload", "fire_again")),
        (("--inspect", "train:0", "--select", "edge:1"), ("edge:L,I,J",)),
        (("--inspect", "train:99999"), ("99999", "allowed: 0 …")),
        (("--inspect", "train:0", "--select", "edge:9,0,0"), ("no such edge",)),
        (("--inspect", "train:0", "--select", "neuron:0,0"), ("--select neuron:0,0", "no such neuron")),
        (("--stage", "miss"), ("--inspect",)),
    ],
)
def test_bad_inspect_options_are_refused_in_one_line(tmp_path: Path, args, words):
    assert_refused(run("--screenshot", str(tmp_path / "x.png"), *args), *words)


def test_inspect_needs_a_screenshot():
    assert_refused(run("--inspect", "train:0"), "--screenshot")


def test_parse_inspect_reads_every_form():
    assert parse_inspect(None, None, None) is None
    request = parse_inspect("batch:7", "fire_again", "neuron:1,2")
    assert (request.row, request.batch, request.stage, request.select) == (7, True, "fire_again", ("node", 1, 2))
    assert parse_inspect("train:0", None, "bias:1,0").select == ("bias", 1, 0)
    assert parse_inspect("train:0", None, None).stage == "aim"
    assert set(STAGE_NAMES) == {"aim", "fire", "miss", "blame", "correct", "fire_again"}


@pytest.mark.parametrize("select", [("node", 0, 0), ("node", 3, 0), ("bias", 2, 1), ("edge", 0, 3, 0)])
def test_check_inspect_refuses_items_the_network_lacks(select):
    request = parse_inspect("train:0", None, None).__class__(0, False, "aim", select)
    with pytest.raises(UsageError):
        check_inspect(request, 10, (3, 4, 1))
