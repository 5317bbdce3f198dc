"""`python -m taskflow_core` is the `taskflow` command."""

import sys

from taskflow_core.cli import main

sys.exit(main())
