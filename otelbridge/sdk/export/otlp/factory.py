"""Entry points behind ``OTEL_TRACES_EXPORTER=otlp`` / ``OTEL_METRICS_EXPORTER=otlp``.

``configure()`` calls these with no arguments; they pick the transport from
``OTEL_EXPORTER_OTLP_{TRACES,METRICS}_PROTOCOL`` / ``OTEL_EXPORTER_OTLP_PROTOCOL``
(``http/protobuf`` by default, as the specification says, ``http/json`` or ``grpc``).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from otelbridge.sdk.export.otlp._config import GRPC, resolve_protocol

if TYPE_CHECKING:
    from otelbridge.sdk.metrics.export import MetricExporter
    from otelbridge.sdk.trace.export import SpanExporter


def otlp_span_exporter(**kwargs: Any) -> SpanExporter:
    """An ``OTLPSpanExporter`` for the configured protocol; ``kwargs`` go to its constructor."""
    if resolve_protocol("traces") == GRPC:
        from otelbridge.sdk.export.otlp.proto.grpc.trace_exporter import OTLPSpanExporter

        return OTLPSpanExporter(**kwargs)
    from otelbridge.sdk.export.otlp.proto.http.trace_exporter import (
        OTLPSpanExporter as OTLPHttpSpanExporter,
    )

    return OTLPHttpSpanExporter(**kwargs)


def otlp_metric_exporter(**kwargs: Any) -> MetricExporter:
    """An ``OTLPMetricExporter`` for the configured protocol; ``kwargs`` go to its constructor."""
    if resolve_protocol("metrics") == GRPC:
        from otelbridge.sdk.export.otlp.proto.grpc.metric_exporter import OTLPMetricExporter

        return OTLPMetricExporter(**kwargs)
    from otelbridge.sdk.export.otlp.proto.http.metric_exporter import (
        OTLPMetricExporter as OTLPHttpMetricExporter,
    )

    return OTLPHttpMetricExporter(**kwargs)
