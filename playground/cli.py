"""`playground`: the window (default), `playground train` (headless, same engine), `playground compare`
(one experiment forked into runs A and B, trained headless) or `playground explain` (the worked example
of one sample)."""

from __future__ import annotations

import signal
import sys
import threading
from collections.abc import Sequence

from playground.cli_errors import EXIT_INTERRUPTED


def main(argv: Sequence[str] | None = None) -> int:
    args = list(sys.argv[1:] if argv is None else argv)
    try:
        return _dispatch(args)
    except KeyboardInterrupt:  # Ctrl-C while starting up (imports, loading files): no traceback
        if threading.current_thread() is threading.main_thread():
            signal.signal(signal.SIGINT, signal.SIG_IGN)  # a second Ctrl-C must not raise one either
        print("interrupted (Ctrl-C)", file=sys.stderr)
        return EXIT_INTERRUPTED


def _dispatch(args: list[str]) -> int:
    if args[:1] == ["train"]:
        from playground.train_command import main as train_main

        return train_main(args[1:])
    if args[:1] == ["compare"]:
        from playground.compare_command import main as compare_main

        return compare_main(args[1:])
    if args[:1] == ["explain"]:
        from playground.explain_command import main as explain_main

        return explain_main(args[1:])
    from playground.app_command import main as app_main  # imports Qt only when a window is wanted

    return app_main(args)


if __name__ == "__main__":
    sys.exit(main())
