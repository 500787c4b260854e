"""Naming each bypassed OpenCensus exporter once."""

from __future__ import annotations

import logging
from typing import Any, Set

_logger = logging.getLogger(__name__)
_named: Set[str] = set()


def neutralise(exporter: Any, how: str) -> None:
    """Log, once per exporter class, that an OpenCensus exporter is bypassed."""
    name = f"{type(exporter).__module__}.{type(exporter).__qualname__}"
    if name not in _named:
        _named.add(name)
        _logger.warning(
            "OpenCensus exporter %s (%s) is neutralised: OpenCensus values leave through the "
            "OpenTelemetry metric readers",
            name,
            how,
        )
