"""Command-line plumbing shared by the window and the headless trainer: one-line errors, exit statuses."""

from __future__ import annotations

import argparse
import sys
from typing import NoReturn

EXIT_BAD_INPUT = 2
EXIT_INTERRUPTED = 130  # 128 + SIGINT: what shells report for a Ctrl-C


class UsageError(Exception):
    """Bad input on the command line or in a file it names; the message is one line."""


class OneLineParser(argparse.ArgumentParser):
    """argparse, but a bad option prints one `error: ...` line (no usage block) and exits 2."""

    def error(self, message: str) -> NoReturn:
        fail(f"{message} (see '{self.prog} --help')")


def fail(message: str) -> NoReturn:
    print(f"error: {message}", file=sys.stderr)
    sys.exit(EXIT_BAD_INPUT)
