"""A failure inside the shim is the shim's bug, never the application's: it is logged once per
kind of operation, with its traceback, and the call returns as if it had worked."""

from __future__ import annotations

import logging

_logger = logging.getLogger("otelbridge.shims.opencensus")
_reported: set[str] = set()


def report(operation: str) -> None:
    """Call from an ``except Exception`` block: log the exception the first time ``operation``
    fails in this process."""
    if operation not in _reported:
        _reported.add(operation)
        _logger.exception(
            "otelbridge's OpenCensus shim failed in %s; the call was ignored (logged once)",
            operation,
        )
