"""`python -m playground` and the frozen executable's entry point."""

import sys

from playground.cli import main

if __name__ == "__main__":
    sys.exit(main())
