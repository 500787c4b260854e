"""Migrated code calling ``configure()`` under the bridge (issue 15, item 7)."""

from __future__ import annotations

import logging

import opentracing
import pytest
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


def test_metric_readers_after_install_are_refused_in_one_line(monkeypatch) -> None:

    from otelbridge.sdk.configuration import ConfigurationError
    from otelbridge.sdk.metrics.export import ConsoleMetricExporter

    monkeypatch.setenv("OTEL_TRACES_EXPORTER", "none")
    monkeypatch.setenv("OTEL_METRICS_EXPORTER", "none")
    install()
    with pytest.raises(ConfigurationError, match="metric_exporters cannot change once"):
        configure(metric_exporters=[ConsoleMetricExporter()])


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
