"""The processor's and exporter's counters published as ``otel.sdk.*`` metrics."""

from __future__ import annotations

from typing import Dict, Tuple

from otelbridge.devtools.receiver import OTLPReceiver
from otelbridge.sdk.export.otlp.proto.grpc.trace_exporter import OTLPSpanExporter
from otelbridge.sdk.metrics import MeterProvider
from otelbridge.sdk.metrics.export import InMemoryMetricReader
from otelbridge.sdk.trace import TracerProvider
from otelbridge.sdk.trace.export import BatchSpanProcessor
from otelbridge.sdk.util import self_metrics

from .conftest import make_spans
from .test_otlp_exporters import free_port


def points(reader: InMemoryMetricReader) -> Dict[Tuple[str, str, str], int]:
    """(metric name, component type, error.type or "") -> value."""
    found = {}
    data = reader.get_metrics_data()
    for resource_metrics in data.resource_metrics:
        for scope_metrics in resource_metrics.scope_metrics:
            for metric in scope_metrics.metrics:
                for point in metric.data.data_points:
                    attributes = dict(point.attributes)
                    key = (
                        metric.name,
                        attributes["otel.component.type"],
                        attributes.get("error.type", ""),
                    )
                    found[key] = point.value
    return found


def test_processor_and_exporter_counters_are_metrics(collected):
    reader = InMemoryMetricReader()
    meters = MeterProvider(metric_readers=[reader], shutdown_on_exit=False)
    with OTLPReceiver(collected, grpc_port=0, http_port=None) as receiver:
        exporter = OTLPSpanExporter(endpoint=receiver.grpc_endpoint, meter_provider=meters)
        processor = BatchSpanProcessor(
            exporter, max_queue_size=100, max_export_batch_size=50, meter_provider=meters
        )
        provider = TracerProvider(shutdown_on_exit=False)
        provider.add_span_processor(processor)
        tracer = provider.get_tracer("self-metrics")
        for _ in range(10):
            tracer.start_span("counted").end()
        assert processor.force_flush(5_000)
        provider.shutdown()
    tracer.start_span("after shutdown").end()
    found = points(reader)
    processor_type, exporter_type = "batching_span_processor", "otlp_grpc_span_exporter"
    assert found[("otel.sdk.processor.span.processed", processor_type, "")] == 10
    assert found[("otel.sdk.processor.span.processed", processor_type, "already_shutdown")] == 1
    assert found[("otel.sdk.processor.span.processed", processor_type, "queue_full")] == 0
    assert found[("otel.sdk.processor.span.queue.size", processor_type, "")] == 0
    assert found[("otel.sdk.processor.span.queue.capacity", processor_type, "")] == 100
    assert found[("otel.sdk.exporter.span.exported", exporter_type, "")] == 10
    assert found[("otel.sdk.exporter.span.exported", exporter_type, "failed")] == 0
    meters.shutdown()


def test_the_environment_variable_publishes_through_the_global_provider(monkeypatch):
    reader = InMemoryMetricReader()
    meters = MeterProvider(metric_readers=[reader], shutdown_on_exit=False)
    monkeypatch.setattr(self_metrics, "get_meter_provider", lambda: meters)  # the global one
    monkeypatch.setenv("OTEL_PYTHON_SDK_INTERNAL_METRICS_ENABLED", "true")
    exporter = OTLPSpanExporter(endpoint=f"http://127.0.0.1:{free_port()}", timeout=0.2)
    exporter.shutdown()
    exporter.export(make_spans(3))  # after shutdown: failed, counted
    found = points(reader)
    assert found[("otel.sdk.exporter.span.exported", "otlp_grpc_span_exporter", "failed")] == 3
    meters.shutdown()
