"""Undefined names and dead imports fail the suite, in branches no other test reaches too."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def test_pyflakes_checks_pass():
    result = subprocess.run(
        [sys.executable, "-m", "ruff", "check", "--select", "F", "--no-cache", "playground", "tests", "benchmarks"],
        cwd=ROOT, capture_output=True, text=True, timeout=120,
    )
    assert result.returncode == 0, result.stdout + result.stderr
