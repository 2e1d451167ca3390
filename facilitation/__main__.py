"""`python -m facilitation` is the `facilitation` command."""

import sys

from facilitation.cli import main

sys.exit(main())
