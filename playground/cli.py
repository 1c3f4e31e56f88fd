"""`playground`: the window (default) or `playground train` (headless, same engine)."""

from __future__ import annotations

import sys
from collections.abc import Sequence


def main(argv: Sequence[str] | None = None) -> int:
    args = list(sys.argv[1:] if argv is None else argv)
    if args[:1] == ["train"]:
        from playground.train_command import main as train_main

        return train_main(args[1:])
    from playground.app_command import main as app_main  # imports Qt only when a window is wanted

    return app_main(args)


if __name__ == "__main__":
    sys.exit(main())
