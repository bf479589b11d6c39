"""``python -m nlp``: dispatch to the subcommands registered in :mod:`nlp.cli`."""

import sys

from nlp.cli import main

if __name__ == "__main__":
    sys.exit(main())
