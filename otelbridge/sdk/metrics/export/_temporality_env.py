"""``OTEL_EXPORTER_OTLP_METRICS_TEMPORALITY_PREFERENCE`` as a preferred-temporality mapping."""

from __future__ import annotations

import logging
import os
from typing import Dict, Optional

from otelbridge.sdk.environment_variables import (
    OTEL_EXPORTER_OTLP_METRICS_TEMPORALITY_PREFERENCE,
)
from otelbridge.sdk.metrics._instrument import (
    INSTRUMENT_CLASSES,
    Counter,
    Histogram,
    ObservableCounter,
)
from otelbridge.sdk.metrics._temporality import AggregationTemporality

_logger = logging.getLogger(__name__)
_C, _D = AggregationTemporality.CUMULATIVE, AggregationTemporality.DELTA

# Per the spec: counters and histograms go delta; up-down counters stay cumulative, and
# "lowmemory" also keeps observable counters cumulative (no previous totals to remember).
_PREFERENCES: Dict[str, Dict[type, AggregationTemporality]] = {
    "cumulative": {},
    "delta": {Counter: _D, ObservableCounter: _D, Histogram: _D},
    "lowmemory": {Counter: _D, Histogram: _D},
}
def preferred_temporality_from_env(
    value: Optional[str] = None,
) -> Dict[type, AggregationTemporality]:
    """The temporality per instrument class for ``cumulative`` (default), ``delta`` or
    ``lowmemory`` (case-insensitive); an unknown value logs a warning and means cumulative."""
    raw = os.environ.get(OTEL_EXPORTER_OTLP_METRICS_TEMPORALITY_PREFERENCE, "cumulative")
    choice = (raw if value is None else value).strip().lower() or "cumulative"
    if choice not in _PREFERENCES:
        _logger.warning(
            "%s=%r is not one of cumulative, delta, lowmemory; using cumulative",
            OTEL_EXPORTER_OTLP_METRICS_TEMPORALITY_PREFERENCE,
            choice,
        )
        choice = "cumulative"
    chosen = _PREFERENCES[choice]
    return {cls: chosen.get(cls, _C) for cls in INSTRUMENT_CLASSES}
