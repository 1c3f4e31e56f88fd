"""Kill `playground train --from F --out F` with SIGKILL at random moments; F must always load.

Each run continues the experiment F by one epoch and saves it over F. Half of the kills land at a
random moment of the process's life (start-up, loading, training or saving); the other half within
2 ms of the moment the run's temporary file of F appears, so that most land inside the write. After every kill
F must hold exactly the old experiment or load as the new one (one epoch further); after a last
clean run no temporary file may remain. Prints how many kills landed before the save, during the
write (the killed writer's temporary file was left behind) and after the rename, and whether all
passed. POSIX only (SIGKILL).

    python benchmarks/kill_stress.py [--kills 200] [--points 50000] [--seed 0]
"""

from __future__ import annotations

import argparse
import collections
import os
import random
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

from playground.engine.config import Config
from playground.engine.data import make_data
from playground.engine.datasets import save_csv
from playground.engine.experiment import load_experiment, save_experiment
from playground.engine.files import temp_files_of
from playground.engine.trainer import Trainer

RUN_TIMEOUT_S = 300.0
WRITE_SPREAD_S = 0.002  # kills at a temporary file land up to this long after it appears


def make_experiment(folder: Path, points: int, seed: int) -> Path:
    """An experiment of `points` random points (its file is about 45 bytes a point)."""
    rng = np.random.default_rng(seed)
    rows = np.column_stack([rng.uniform(-6, 6, points), rng.uniform(-6, 6, points), rng.choice([-1.0, 1.0], points)])
    csv = folder / "points.csv"
    save_csv(csv, rows)
    config = Config(dataset=str(csv), hidden=(4, 2))
    target = folder / "experiment.json"
    save_experiment(Trainer(config, make_data(config)), target)
    csv.unlink()
    return target


def train_command(target: Path) -> list[str]:
    return [sys.executable, "-m", "playground.cli", "train", "--from", str(target), "--out", str(target),
            "--epochs", "1", "--quiet"]


def clean_run(target: Path) -> float:
    """Run to the end; the seconds it took."""
    start = time.monotonic()
    result = subprocess.run(train_command(target), capture_output=True, text=True, timeout=RUN_TIMEOUT_S)
    if result.returncode != 0:
        raise SystemExit(f"a clean run failed ({result.returncode}): {result.stderr.strip()}")
    return time.monotonic() - start


def kill_once(target: Path, delay: float, after_temp: bool) -> subprocess.Popen[bytes]:
    """Start a run and SIGKILL it `delay` seconds after it starts, or (after_temp) after it has
    created its temporary file."""
    process = subprocess.Popen(train_command(target), stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    if after_temp:
        deadline = time.monotonic() + RUN_TIMEOUT_S
        while not own_temp_files(target, process.pid) and process.poll() is None and time.monotonic() < deadline:
            pass  # poll as fast as possible: the write lasts milliseconds
    end = time.monotonic() + delay
    while time.monotonic() < end:
        pass  # a random moment of the run (spun, since a sleep may overshoot by milliseconds)
    process.kill()
    process.wait(timeout=RUN_TIMEOUT_S)
    return process


def own_temp_files(target: Path, pid: int) -> list[Path]:
    """The temporary files of F written by process `pid` (named '.F.<pid>-<hex>.tmp')."""
    return [p for p in temp_files_of(target) if p.name.split(".")[-2].startswith(f"{pid}-")]


def outcome(target: Path, process: subprocess.Popen[bytes], old: bytes, old_epoch: int) -> str:
    """'before', 'write' or 'after' (where the kill landed); raises AssertionError if F is damaged."""
    left = own_temp_files(target, process.pid)
    current = target.read_bytes()
    if current == old:
        return "write" if left else "before"
    epoch = load_experiment(target).epoch
    assert epoch == old_epoch + 1, f"F holds epoch {epoch}; expected {old_epoch} or {old_epoch + 1}"
    return "after"


MODES = ("random moment", "temporary file seen")


def stress(folder: Path, kills: int, points: int, seed: int) -> collections.Counter[tuple[str, str]]:
    """Counts of (mode, where the kill landed); raises AssertionError at the first damaged F."""
    rng = random.Random(seed)
    target = make_experiment(folder, points, seed)
    clean_run(target)  # the first run warms the caches; the second is the one measured
    life = clean_run(target)
    epoch = load_experiment(target).epoch
    counts: collections.Counter[tuple[str, str]] = collections.Counter()
    for i in range(kills):
        mode = MODES[i % 2]
        old = target.read_bytes()
        after_temp = mode == MODES[1]
        process = kill_once(target, rng.uniform(0.0, WRITE_SPREAD_S if after_temp else life), after_temp)
        assert process.returncode in (0, -signal.SIGKILL), f"a run failed with exit status {process.returncode}"
        where = "finished" if process.returncode == 0 else outcome(target, process, old, epoch)
        epoch += where in ("finished", "after")
        counts[mode, where] += 1
    clean_run(target)
    leftovers = sorted(p.name for p in folder.iterdir() if p.name.endswith(".tmp"))
    assert not leftovers, f"temporary files left after a clean run: {leftovers}"
    assert load_experiment(target).epoch == epoch + 1
    return counts


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--kills", type=int, default=200)
    parser.add_argument("--points", type=int, default=50_000)
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        start = time.monotonic()
        counts = stress(Path(folder), args.kills, args.points, args.seed)
        size = os.path.getsize(Path(folder) / "experiment.json")
    print(f"{args.kills} SIGKILLs of 'playground train --from F --out F' (F {size / 1e6:.1f} MB), "
          f"{time.monotonic() - start:.0f} s; where each landed:")
    for mode in MODES:
        found = {where: counts[mode, where] for where in ("before", "write", "after", "finished")}
        print(f"  at a {mode}: before the save {found['before']}, during the write (temporary file left) "
              f"{found['write']}, after the rename {found['after']}, run finished first {found['finished']}")
    hits = sum(n for (_, where), n in counts.items() if where == "write")
    print(f"  {hits} of {args.kills} kills hit the save; all passed: F always held the old or the new "
          "experiment, and no temporary file was left after a clean run")

if __name__ == "__main__":
    main()
