"""Start-up: seconds from starting `playground` to the window's first painted frame of a network.

Runs the installed `playground` command (a source install: `pip install -e .`) offscreen with its
settings in a throwaway folder, several times, and prints the median and each run. The app
prints the moment of its first frame when PLAYGROUND_STARTUP_PROBE is set (playground/ui/
startup_probe.py) and quits. Also prints where import time goes (python -X importtime), the
largest first. The issue's bar: median <= 0.6 s.

    .venv/bin/python benchmarks/startup.py [--runs 7]
"""

from __future__ import annotations

import argparse
import os
import re
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

COMMAND = Path(sys.executable).with_name("playground")


def one_start(env: dict[str, str]) -> float:
    start = time.monotonic()
    result = subprocess.run([str(COMMAND)], env=env, capture_output=True, text=True, timeout=60)
    match = re.search(r"first frame at ([0-9.]+)", result.stdout)
    if result.returncode != 0 or match is None:
        sys.exit(f"error: the app did not report a first frame (exit {result.returncode}): {result.stderr[-400:]}")
    return float(match.group(1)) - start


def largest_imports(env: dict[str, str], count: int = 8) -> list[tuple[float, str]]:
    """(cumulative ms, module) of the top-level imports that cost most, from -X importtime."""
    result = subprocess.run([sys.executable, "-X", "importtime", "-c", "import playground.ui.app"], env=env,
                            capture_output=True, text=True, timeout=60)
    rows = []
    for line in result.stderr.splitlines():
        match = re.match(r"import time:\s+\d+ \|\s+(\d+) \|( *)(\S+)", line)
        if match and len(match.group(2)) <= 1:  # top-level modules only
            rows.append((int(match.group(1)) / 1000, match.group(3)))
    return sorted(rows, reverse=True)[:count]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=7)
    args = parser.parse_args()
    if not COMMAND.exists():
        sys.exit(f"error: {COMMAND} not found; run this with the venv's python after the README's install command")
    with tempfile.TemporaryDirectory(prefix="playground-startup-") as settings:
        env = {**os.environ, "QT_QPA_PLATFORM": "offscreen", "PLAYGROUND_STARTUP_PROBE": "1",
               "PLAYGROUND_SETTINGS_DIR": settings}
        # As on a user's machine, Python keeps the compiled bytecode of the project's modules
        # (these machines set PYTHONDONTWRITEBYTECODE, which recompiles every module every start).
        env.pop("PYTHONDONTWRITEBYTECODE", None)
        one_start(env)  # the first start fills the file and bytecode caches; it is not counted
        times = [one_start(env) for _ in range(args.runs)]
        print(f"start-up to the first painted frame: median {statistics.median(times):.3f} s "
              f"(runs: {' '.join(f'{t:.3f}' for t in times)}); bar: <= 0.6 s")
        print("largest imports (cumulative): " + ", ".join(f"{name} {ms:.0f} ms" for ms, name in largest_imports(env)))


if __name__ == "__main__":
    main()
