"""What ``MeasurementMap`` does while the shim is installed.

``measure_int_put``/``measure_float_put`` check the value once: non-numbers and NaN or
infinities are dropped with a warning (OpenCensus raises or records them); negative values
keep OpenCensus' rule (a warning, and ``record`` then refuses the whole map). ``record`` adds
each value to the series of every view of its measure, whatever the order of the measures in
the map (OpenCensus stops at the first unregistered one).
"""

from __future__ import annotations

import logging
from collections import OrderedDict
from typing import Any, Mapping, Set

from opencensus.tags import TagContext

from otelbridge.shims.opencensus.stats._store import STORE

_logger = logging.getLogger(__name__)
_INF = float("inf")
_EMPTY: Mapping[str, str] = {}
_warned_non_finite: Set[str] = set()


def _put(self: Any, measure: Any, value: Any) -> None:
    cls = value.__class__
    if cls is not int and cls is not float and (cls is bool or not isinstance(value, (int, float))):
        _logger.warning(
            "OpenCensus measure %r: %r is not a number; dropped",
            getattr(measure, "name", measure),
            value,
        )
        return
    if not -_INF < value < _INF:
        name = getattr(measure, "name", measure)
        if name not in _warned_non_finite:
            _warned_non_finite.add(name)
            _logger.warning(
                "OpenCensus measure %r: non-finite values (%r) are dropped", name, value
            )
        return
    if value < 0:
        _logger.warning("Cannot record negative values")
        self._invalid = True
    self._measurement_map[measure] = value


def measure_int_put(self: Any, measure: Any, value: Any) -> None:
    """Associate an int measure with a value."""
    _put(self, measure, value)


def measure_float_put(self: Any, measure: Any, value: Any) -> None:
    """Associate a float measure with a value."""
    _put(self, measure, value)


def record(self: Any, tags: Any = None) -> None:
    """Record every measure of the map against ``tags`` (else the context's tag map)."""
    if tags is None:
        tags = TagContext.get()
    if self._invalid:
        _logger.warning(
            "Measurement map has included negative value measurements, refusing to record"
        )
        return
    record_values(tags, self._measurement_map, self._attachments)


def record_values(tags: Any, measurements: Mapping[Any, float], attachments: Any) -> None:
    """Add each measurement to every view of its measure (unregistered measures warn once)."""
    values = _EMPTY if tags is None else getattr(tags, "map", tags)
    if values.__class__ is not OrderedDict and not isinstance(values, Mapping):
        _logger.warning("OpenCensus tags must be a TagMap, got %r; recorded without tags", tags)
        values = _EMPTY
    by_measure = STORE.by_measure
    for measure, value in measurements.items():
        targets = by_measure.get(measure.name)
        if targets is None:
            STORE.warn_unregistered(measure)
            continue
        for series in targets:
            series.record(value, values, attachments)
