"""OTLP encoding of collected metrics (mirrors
``opentelemetry.exporter.otlp.proto.common.metrics_encoder``).

Metrics arrive once per collection interval, a data point per time series, so this encoder builds
the official generated messages directly; attributes, resources and scopes share the span
encoder's cached wire encodings. Input is any ``MetricsData`` with the field names of
``opentelemetry.sdk.metrics.export``; the kind of a metric is told by its data's class name.
"""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING, Any, Sequence

from opentelemetry.proto.collector.metrics.v1.metrics_service_pb2 import (
    ExportMetricsServiceRequest,
)
from opentelemetry.proto.metrics.v1 import metrics_pb2 as pb

from otelbridge.sdk.export.otlp.proto.common._attributes import (
    encode_attributes,
    resource_body,
    scope_body,
)
from otelbridge.sdk.export.otlp.proto.common._wire import tag

if TYPE_CHECKING:
    from google.protobuf.internal.containers import RepeatedCompositeFieldContainer

    from otelbridge.sdk.export._types import (
        ExemplarData,
        MetricData,
        MetricsDataLike,
        NumberPointData,
        PointData,
        SummaryPointData,
    )

_logger = logging.getLogger(__name__)

_NUMBER_ATTRIBUTES = tag(pb.NumberDataPoint, "attributes")
_HISTOGRAM_ATTRIBUTES = tag(pb.HistogramDataPoint, "attributes")
_EXPONENTIAL_ATTRIBUTES = tag(pb.ExponentialHistogramDataPoint, "attributes")
_SUMMARY_ATTRIBUTES = tag(pb.SummaryDataPoint, "attributes")
_EXEMPLAR_ATTRIBUTES = tag(pb.Exemplar, "filtered_attributes")


def _exemplars(
    exemplars: Sequence[ExemplarData], target: RepeatedCompositeFieldContainer[pb.Exemplar]
) -> None:
    for exemplar in exemplars:
        encoded = target.add(time_unix_nano=exemplar.time_unix_nano)
        if exemplar.span_id is not None and exemplar.trace_id is not None:
            encoded.span_id = exemplar.span_id.to_bytes(8, "big")
            encoded.trace_id = exemplar.trace_id.to_bytes(16, "big")
        if isinstance(exemplar.value, int):
            encoded.as_int = exemplar.value
        else:
            encoded.as_double = exemplar.value
        encoded.MergeFromString(
            encode_attributes(exemplar.filtered_attributes, _EXEMPLAR_ATTRIBUTES)
        )


_GAUGE_FIELDS = ("time_unix_nano",)
_SUM_FIELDS = ("start_time_unix_nano", "time_unix_nano")
_HISTOGRAM_FIELDS = (
    *_SUM_FIELDS,
    *("count", "sum", "bucket_counts", "explicit_bounds", "min", "max"),
)
_SUMMARY_FIELDS = (*_SUM_FIELDS, "count", "sum")
_EXPONENTIAL_FIELDS = (
    *_SUM_FIELDS,
    *("count", "sum", "scale", "zero_count", "flags", "min", "max"),
)


def _add_point(
    target: Any, point: PointData, fields: Sequence[str], attributes_field: bytes
) -> Any:
    """Append a data point with ``fields`` copied from ``point``, its attributes and exemplars.

    ``target`` is the repeated field of one of four point messages and the result one of them:
    no one message type, as each caller then sets the fields of its own kind."""
    encoded = target.add(**{name: getattr(point, name) for name in fields})
    encoded.MergeFromString(encode_attributes(point.attributes, attributes_field))
    exemplars = getattr(point, "exemplars", None)
    if exemplars:  # summary points have none
        _exemplars(exemplars, encoded.exemplars)
    return encoded


def _number_points(
    points: Sequence[NumberPointData],
    target: RepeatedCompositeFieldContainer[pb.NumberDataPoint],
    fields: Sequence[str],
) -> None:
    for point in points:
        encoded = _add_point(target, point, fields, _NUMBER_ATTRIBUTES)
        if isinstance(point.value, int):
            encoded.as_int = point.value
        else:
            encoded.as_double = point.value


def _histogram_points(
    points: Sequence[PointData], target: RepeatedCompositeFieldContainer[pb.HistogramDataPoint]
) -> None:
    for point in points:
        _add_point(target, point, _HISTOGRAM_FIELDS, _HISTOGRAM_ATTRIBUTES)


def _exponential_points(
    points: Sequence[PointData],
    target: RepeatedCompositeFieldContainer[pb.ExponentialHistogramDataPoint],
) -> None:
    for point in points:
        encoded = _add_point(target, point, _EXPONENTIAL_FIELDS, _EXPONENTIAL_ATTRIBUTES)
        for name in ("positive", "negative"):
            buckets = getattr(point, name)
            if buckets.bucket_counts:
                field = getattr(encoded, name)
                field.offset = buckets.offset
                field.bucket_counts.extend(buckets.bucket_counts)


def _summary_points(
    points: Sequence[SummaryPointData],
    target: RepeatedCompositeFieldContainer[pb.SummaryDataPoint],
) -> None:
    for point in points:
        encoded = _add_point(target, point, _SUMMARY_FIELDS, _SUMMARY_ATTRIBUTES)
        for quantile in point.quantile_values:
            encoded.quantile_values.add(quantile=quantile.quantile, value=quantile.value)


def _encode_metric(metric: MetricData, encoded: pb.Metric) -> None:
    data: Any = metric.data  # told apart by class name below, which mypy does not narrow on
    kind = type(data).__name__
    if kind == "Sum":
        encoded.sum.aggregation_temporality = data.aggregation_temporality
        encoded.sum.is_monotonic = data.is_monotonic
        _number_points(data.data_points, encoded.sum.data_points, _SUM_FIELDS)
    elif kind == "Gauge":
        _number_points(data.data_points, encoded.gauge.data_points, _GAUGE_FIELDS)
    elif kind == "Histogram":
        encoded.histogram.aggregation_temporality = data.aggregation_temporality
        _histogram_points(data.data_points, encoded.histogram.data_points)
    elif kind == "ExponentialHistogram":
        encoded.exponential_histogram.aggregation_temporality = data.aggregation_temporality
        _exponential_points(data.data_points, encoded.exponential_histogram.data_points)
    elif kind == "Summary":
        _summary_points(data.data_points, encoded.summary.data_points)
    else:
        _logger.warning("Skipping metric %r: unsupported data type %s", metric.name, kind)


def encode_metrics(data: MetricsDataLike) -> ExportMetricsServiceRequest:
    """The ``ExportMetricsServiceRequest`` for a ``MetricsData``."""
    request = ExportMetricsServiceRequest()
    for resource_metrics in data.resource_metrics:
        resource = resource_metrics.resource
        encoded_resource = request.resource_metrics.add(schema_url=resource.schema_url)
        encoded_resource.resource.SetInParent()
        encoded_resource.resource.MergeFromString(resource_body(resource))
        for scope_metrics in resource_metrics.scope_metrics:
            scope = scope_metrics.scope
            encoded_scope = encoded_resource.scope_metrics.add(schema_url=scope_metrics.schema_url)
            encoded_scope.scope.SetInParent()
            encoded_scope.scope.MergeFromString(scope_body(scope))
            for metric in scope_metrics.metrics:
                encoded = encoded_scope.metrics.add(
                    name=metric.name, description=metric.description, unit=metric.unit
                )
                _encode_metric(metric, encoded)
    return request


def serialize_metrics(data: MetricsDataLike) -> bytes:
    """The serialized ``ExportMetricsServiceRequest`` for a ``MetricsData``."""
    return encode_metrics(data).SerializeToString()
