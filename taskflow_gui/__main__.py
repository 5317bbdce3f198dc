"""`python -m taskflow_gui`: the same as the `taskflow-gui` command."""

import sys

from taskflow_gui.app import main

sys.exit(main())
