"""Migrated code calling ``configure()`` under the bridge (issue 15, item 7)."""

from __future__ import annotations

import logging

import opentracing
from opentelemetry import metrics
from opentelemetry import trace as trace_api

from otelbridge.bridge import install
from otelbridge.sdk import configure
from otelbridge.sdk.trace.export import SimpleSpanProcessor
from otelbridge.sdk.trace.export.in_memory_span_exporter import InMemorySpanExporter
from otelbridge.sdk.trace.sampling import ALWAYS_OFF


def test_later_settings_reach_the_installed_providers(monkeypatch, caplog) -> None:
    monkeypatch.setenv("OTEL_TRACES_EXPORTER", "none")
    monkeypatch.setenv("OTEL_METRICS_EXPORTER", "none")
    tracer = install()
    provider = trace_api.get_tracer_provider()
    meter_provider = metrics.get_meter_provider()
    first = InMemorySpanExporter()
    provider.add_span_processor(SimpleSpanProcessor(first))
    exporter = InMemorySpanExporter()
    with caplog.at_level(logging.WARNING):
        providers = configure(
            service_name="checkout", span_exporters=[exporter], span_processor="simple"
        )
    assert caplog.records == []
    assert providers.tracer_provider is provider is trace_api.get_tracer_provider()
    assert providers.meter_provider is meter_provider
    assert meter_provider.resource.attributes["service.name"] == "checkout"
    with opentracing.global_tracer().start_active_span("legacy"):
        trace_api.get_tracer("migrated").start_span("native").end()
    assert opentracing.global_tracer() is tracer
    spans = exporter.get_finished_spans()
    assert [span.name for span in spans] == ["native", "legacy"]
    assert {span.resource.attributes["service.name"] for span in spans} == {"checkout"}
    assert first.get_finished_spans() == ()  # replaced, and shut down
    configure(sampler=ALWAYS_OFF)
    assert not trace_api.get_tracer("x").start_span("dropped").is_recording()


def test_only_what_is_given_changes(monkeypatch) -> None:
    monkeypatch.setenv("OTEL_TRACES_EXPORTER", "none")
    monkeypatch.setenv("OTEL_METRICS_EXPORTER", "none")
    monkeypatch.setenv("OTEL_SERVICE_NAME", "from-env")
    install()
    provider = trace_api.get_tracer_provider()
    exporter = InMemorySpanExporter()
    provider.add_span_processor(SimpleSpanProcessor(exporter))
    configure()
    trace_api.get_tracer("x").start_span("kept").end()
    (span,) = exporter.get_finished_spans()
    assert span.resource.attributes["service.name"] == "from-env"


def test_metric_readers_and_views_given_after_install_take_effect(monkeypatch) -> None:
    """Migrated OpenCensus stats configure their views and exporters under the bridge."""
    from otelbridge.sdk.metrics.export import InMemoryMetricReader
    from otelbridge.sdk.metrics.view import ExplicitBucketHistogramAggregation, View

    monkeypatch.setenv("OTEL_TRACES_EXPORTER", "none")
    monkeypatch.setenv("OTEL_METRICS_EXPORTER", "none")
    install()
    early = metrics.get_meter("app").create_counter("requests")
    reader = InMemoryMetricReader()
    view = View(
        instrument_name="latency",
        name="latency_view",
        attribute_keys={"method"},
        aggregation=ExplicitBucketHistogramAggregation((10.0, 100.0)),
    )
    histogram = metrics.get_meter("app").create_histogram("latency")
    configure(metric_readers=[reader])
    histogram.record(7.0, {"method": "GET"})  # before its view: dropped when the view comes
    configure(views=[view, View(instrument_name="requests", name="http.requests")])
    early.add(2)
    histogram.record(42.0, {"method": "GET", "path": "/"})
    (scope,) = reader.get_metrics_data().resource_metrics[0].scope_metrics
    by_name = {metric.name: metric for metric in scope.metrics}
    assert set(by_name) == {"http.requests", "latency_view"}
    assert by_name["http.requests"].data.data_points[0].value == 2
    (point,) = by_name["latency_view"].data.data_points
    assert dict(point.attributes) == {"method": "GET"}
    assert list(point.explicit_bounds) == [10.0, 100.0]
    assert list(point.bucket_counts) == [0, 1, 0] and point.count == 1


def test_configure_keeps_the_propagator_the_bridge_installed(monkeypatch) -> None:
    """A jaeger Config tracer added Jaeger headers to the global propagator: configure() without
    ``propagators`` keeps them, with ``propagators`` replaces them."""
    import jaeger_client
    from opentelemetry import propagate

    monkeypatch.setenv("OTEL_TRACES_EXPORTER", "none")
    monkeypatch.setenv("OTEL_METRICS_EXPORTER", "none")
    monkeypatch.delenv("OTEL_PROPAGATORS", raising=False)
    install()
    jaeger_client.Config(config={"logging": False}, service_name="legacy").new_tracer()
    configure(service_name="migrated")
    assert "uber-trace-id" in propagate.get_global_textmap().fields
    configure(propagators="tracecontext")
    assert propagate.get_global_textmap().fields == {"traceparent", "tracestate"}
