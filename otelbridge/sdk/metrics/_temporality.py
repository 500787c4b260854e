"""Aggregation temporality (lives apart from ``export`` so that streams can import it alone)."""

from __future__ import annotations

from enum import IntEnum


class AggregationTemporality(IntEnum):
    """Whether points report the change since the last collection (``DELTA``) or the total
    since the stream started (``CUMULATIVE``). Values equal OTLP's enum."""

    UNSPECIFIED = 0
    DELTA = 1
    CUMULATIVE = 2
