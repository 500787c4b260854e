"""``python -m otelbridge`` runs the console script."""

import sys

from otelbridge.cli import main

sys.exit(main())
