"""OpenCensus ``Metric`` objects → our metrics data model (spec: OpenCensus compatibility).

``GAUGE_INT64/DOUBLE`` → Gauge; ``CUMULATIVE_INT64/DOUBLE`` → monotonic cumulative Sum;
``CUMULATIVE_DISTRIBUTION`` → cumulative explicit-bucket Histogram (OpenCensus' bounds and
counts as they are, no min/max, sum of squared deviations dropped); ``SUMMARY`` → Summary
(percentiles become quantiles in [0, 1]); ``GAUGE_DISTRIBUTION`` is dropped with one warning.
Label values that are absent (``None``) are left out of the attributes. OpenCensus gives
registry series a new start time at every collection, so the first start seen for a series
is remembered and reused.
"""

from __future__ import annotations

import calendar
import logging
import threading
from datetime import datetime
from typing import Any, Callable, Dict, List, Optional, Set, Tuple, Union

from opencensus.metrics.export.metric_descriptor import MetricDescriptorType as Type
from opencensus.metrics.export.value import Explicit

from otelbridge.sdk.metrics import Exemplar
from otelbridge.sdk.metrics.export import (
    AggregationTemporality,
    DataT,
    Gauge,
    Histogram,
    HistogramDataPoint,
    Metric,
    NumberDataPoint,
    QuantileValue,
    Sum,
    Summary,
    SummaryDataPoint,
)
from otelbridge.sdk.util.fork import renew_locks_after_fork
from otelbridge.shims.opencensus.stats._views import SPAN_CONTEXT_ATTACHMENT

_logger = logging.getLogger(__name__)
_ISO_FORMAT = "%Y-%m-%dT%H:%M:%S.%fZ"
_CUMULATIVE = AggregationTemporality.CUMULATIVE


def to_nanos(timestamp: Union[str, datetime]) -> int:
    """OpenCensus times (ISO ``...Z`` strings or naive UTC datetimes) as Unix nanoseconds."""
    if isinstance(timestamp, str):
        timestamp = datetime.strptime(timestamp, _ISO_FORMAT)
    seconds = calendar.timegm(timestamp.utctimetuple())
    return seconds * 1_000_000_000 + timestamp.microsecond * 1000


def _attributes(keys: List[Any], values: List[Any]) -> Dict[str, Any]:
    attributes = {}
    for key, value in zip(keys, values):
        value = getattr(value, "value", value)
        if value is not None:
            attributes[getattr(key, "key", key)] = value
    return attributes


def _exemplar(oc_exemplar: Any) -> Exemplar:
    attachments = dict(oc_exemplar.attachments or {})
    span = attachments.pop(SPAN_CONTEXT_ATTACHMENT, None)
    trace_id = span_id = None
    if span is not None:
        trace_hex, _, span_hex = span.partition("-")
        trace_id, span_id = int(trace_hex, 16), int(span_hex, 16)
    return Exemplar(
        attachments or None, oc_exemplar.value, to_nanos(oc_exemplar.timestamp), span_id, trace_id
    )


def _histogram_point(attributes: Dict[str, Any], start: int, point: Any) -> HistogramDataPoint:
    distribution = point.value
    options = distribution.bucket_options.type_
    bounds = list(options.bounds) if isinstance(options, Explicit) else []
    buckets = distribution.buckets or ()
    return HistogramDataPoint(
        attributes=attributes,
        start_time_unix_nano=start,
        time_unix_nano=to_nanos(point.timestamp),
        count=distribution.count,
        sum=distribution.sum,
        bucket_counts=[bucket.count for bucket in buckets] or [distribution.count],
        explicit_bounds=bounds,
        min=None,  # type: ignore[arg-type]  # OpenCensus keeps no min/max
        max=None,  # type: ignore[arg-type]  # nor max
        exemplars=[_exemplar(b.exemplar) for b in buckets if b.exemplar is not None],
    )


def _summary_point(attributes: Dict[str, Any], start: int, point: Any) -> SummaryDataPoint:
    summary = point.value.value
    percentiles = summary.snapshot.value_at_percentiles if summary.snapshot else ()
    quantiles = sorted(
        (QuantileValue(p.percentile / 100, p.value) for p in percentiles or ()),
        key=lambda quantile: quantile.quantile,
    )
    time = to_nanos(point.timestamp)
    return SummaryDataPoint(attributes, start, time, summary.count, summary.sum_data, quantiles)


def _number_point(attributes: Dict[str, Any], start: int, point: Any) -> NumberDataPoint:
    return NumberDataPoint(attributes, start, to_nanos(point.timestamp), point.value.value)


class Converter:
    """Converts OpenCensus metrics, remembering each cumulative series' first start time."""

    def __init__(self) -> None:
        self._starts: Dict[Tuple[str, Tuple[Any, ...]], int] = {}
        self._lock = threading.Lock()
        renew_locks_after_fork(self, "_lock")
        self._warned: Set[str] = set()

    def _start(self, name: str, attributes: Dict[str, Any], series: Any) -> int:
        key = (name, tuple(sorted(attributes.items())))
        with self._lock:
            start = self._starts.get(key)
            if start is None:
                given = series.start_timestamp or series.points[0].timestamp
                start = self._starts[key] = to_nanos(given)
        return start

    def convert(self, oc_metric: Any) -> Optional[Metric]:
        """Our ``Metric`` for an OpenCensus one, or ``None`` when it has no equivalent."""
        if oc_metric is None:  # Registry.get_metrics() yields None for empty gauges
            return None
        descriptor = oc_metric.descriptor
        kind = descriptor.type
        build = _BUILDERS.get(kind)
        if build is None:
            if descriptor.name not in self._warned:
                self._warned.add(descriptor.name)
                _logger.warning(
                    "OpenCensus metric %r is a gauge distribution, which OpenTelemetry cannot "
                    "represent; dropped",
                    descriptor.name,
                )
            return None
        gauge = kind in (Type.GAUGE_INT64, Type.GAUGE_DOUBLE)
        points: List[Any] = []
        for series in oc_metric.time_series:
            attributes = _attributes(descriptor.label_keys, series.label_values)
            for point in series.points:
                if point is None or point.value is None or getattr(point.value, "value", 0) is None:
                    continue  # a derived series whose callback was garbage-collected
                start = 0 if gauge else self._start(descriptor.name, attributes, series)
                points.append(build(attributes, start, point))
        if not points:
            return None
        return Metric(descriptor.name, descriptor.description, descriptor.unit, _DATA[kind](points))


_BUILDERS = {
    Type.GAUGE_INT64: _number_point,
    Type.GAUGE_DOUBLE: _number_point,
    Type.CUMULATIVE_INT64: _number_point,
    Type.CUMULATIVE_DOUBLE: _number_point,
    Type.CUMULATIVE_DISTRIBUTION: _histogram_point,
    Type.SUMMARY: _summary_point,
}


def _sum(points: List[Any]) -> Sum:
    return Sum(points, _CUMULATIVE, True)


_DATA: Dict[int, Callable[[List[Any]], DataT]] = {
    Type.GAUGE_INT64: Gauge,
    Type.GAUGE_DOUBLE: Gauge,
    Type.CUMULATIVE_INT64: _sum,
    Type.CUMULATIVE_DOUBLE: _sum,
    Type.CUMULATIVE_DISTRIBUTION: lambda points: Histogram(points, _CUMULATIVE),
    Type.SUMMARY: Summary,
}
