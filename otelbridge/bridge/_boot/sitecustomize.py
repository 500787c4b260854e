"""Run by Python at start-up in programs launched with ``otelbridge run``.

``otelbridge run`` puts this directory first on ``PYTHONPATH``; see
:mod:`otelbridge.bridge.launcher`. An interpreter without otelbridge says so in one line (instead
of Python's "Error in sitecustomize" traceback) and runs the program unbridged.
"""

from __future__ import annotations

import sys

try:
    from otelbridge.bridge.launcher import bootstrap
except ImportError:
    sys.stderr.write(
        f"otelbridge: {sys.executable} cannot import otelbridge, so the program runs without "
        "the bridge; install otelbridge into this interpreter or start the program with the "
        "one otelbridge is installed in\n"
    )
else:
    bootstrap(__file__)
