"""The SDK's span metrics (OTEL_PYTHON_SDK_INTERNAL_METRICS_ENABLED) on both SDKs: same metric
names, units, attributes and values for the same spans."""

from __future__ import annotations

import importlib
from typing import Any, Dict, Tuple

import pytest
from opentelemetry import trace as trace_api
from opentelemetry.trace import NonRecordingSpan, SpanContext, TraceFlags


def _points(data: Any) -> Dict[Tuple[str, str], Dict[Tuple[Tuple[str, Any], ...], Any]]:
    found = {}
    for resource_metrics in data.resource_metrics:
        for scope_metrics in resource_metrics.scope_metrics:
            for metric in scope_metrics.metrics:
                found[(metric.name, metric.unit)] = {
                    tuple(sorted(point.attributes.items())): point.value
                    for point in metric.data.data_points
                }
    return found


def scenario(prefix: str) -> Any:
    trace = importlib.import_module(f"{prefix}.trace")
    sampling = importlib.import_module(f"{prefix}.trace.sampling")
    metrics = importlib.import_module(f"{prefix}.metrics")
    export = importlib.import_module(f"{prefix}.metrics.export")
    reader = export.InMemoryMetricReader()
    meter_provider = metrics.MeterProvider(metric_readers=[reader])
    provider = trace.TracerProvider(
        sampler=sampling.ParentBased(sampling.TraceIdRatioBased(1.0)),
        meter_provider=meter_provider,
    )
    tracer = provider.get_tracer("t")
    root = tracer.start_span("root")
    child = tracer.start_span("child", context=trace_api.set_span_in_context(root))
    remote = SpanContext(1, 2, is_remote=True, trace_flags=TraceFlags(0))
    dropped = tracer.start_span(
        "dropped", context=trace_api.set_span_in_context(NonRecordingSpan(remote))
    )
    child.end()
    dropped.end()
    # root stays live
    data = reader.get_metrics_data()
    root.end()
    provider.shutdown()
    meter_provider.shutdown()
    return _points(data)


def test_span_metrics_match_the_reference(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("OTEL_PYTHON_SDK_INTERNAL_METRICS_ENABLED", "true")
    ours = scenario("otelbridge.sdk")
    assert ours == scenario("opentelemetry.sdk")
    assert ours[("otel.sdk.span.live", "{span}")] == {
        (("otel.span.sampling_result", "RECORD_AND_SAMPLE"),): 1
    }
    assert ours[("otel.sdk.span.started", "{span}")] == {
        (
            ("otel.span.parent.origin", "none"),
            ("otel.span.sampling_result", "RECORD_AND_SAMPLE"),
        ): 1,
        (
            ("otel.span.parent.origin", "local"),
            ("otel.span.sampling_result", "RECORD_AND_SAMPLE"),
        ): 1,
        (("otel.span.parent.origin", "remote"), ("otel.span.sampling_result", "DROP")): 1,
    }


def test_off_by_default(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("OTEL_PYTHON_SDK_INTERNAL_METRICS_ENABLED", raising=False)
    assert scenario("otelbridge.sdk") == {}
