"""Run the checker from the command line: ``python -m guildhall.checker PATH...``."""

import sys

from .cli import main

sys.exit(main())
