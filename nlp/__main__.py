"""``python -m nlp``: the command-line tools."""

import sys

from nlp.cli import main

sys.exit(main())
