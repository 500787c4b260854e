"""Smaller parts of the opentelemetry-sdk surface, each run on both SDKs (only the import prefix
differs) and compared: AlwaysRecordSampler, EventBase, InMemorySpanExporter(max_spans=),
ExponentialBucketHistogramAggregation(record_min_max=), PeriodicExportingMetricReader(
cardinality_limits=)."""

from __future__ import annotations

import importlib
from typing import Any, List

import pytest

PREFIXES = ["opentelemetry.sdk", "otelbridge.sdk"]


def _sdk(prefix: str, module: str) -> Any:
    return importlib.import_module(f"{prefix}.{module}")


def _always_record(prefix: str) -> List[Any]:
    trace = _sdk(prefix, "trace")
    sampling = _sdk(prefix, "trace.sampling")
    memory = _sdk(prefix, "trace.export.in_memory_span_exporter")
    export = _sdk(prefix, "trace.export")
    exporter = memory.InMemorySpanExporter()
    sampler = sampling.AlwaysRecordSampler(sampling.ALWAYS_OFF)
    provider = trace.TracerProvider(sampler=sampler)
    provider.add_span_processor(export.SimpleSpanProcessor(exporter))
    span = provider.get_tracer("t").start_span("s")
    seen = [sampler.get_description(), span.is_recording(), span.get_span_context().trace_flags]
    span.end()
    kept = sampling.AlwaysRecordSampler(sampling.ALWAYS_ON).should_sample(None, 1, "n").decision
    provider.shutdown()
    # recorded but not sampled: processors see it, the sampled-only exporter path does not
    return [*seen, len(exporter.get_finished_spans()), kept.name]


def test_always_record_sampler_matches_the_reference() -> None:
    ours, reference = (_always_record(p) for p in reversed(PREFIXES))
    assert ours == reference
    assert ours[:2] == ["AlwaysRecordSampler{AlwaysOffSampler}", True]
    with pytest.raises(ValueError, match="root"):
        _sdk("otelbridge.sdk", "trace.sampling").AlwaysRecordSampler(None)


@pytest.mark.parametrize("prefix", PREFIXES)
def test_event_base_is_the_abstract_parent_of_event(prefix: str) -> None:
    trace = _sdk(prefix, "trace")
    assert issubclass(trace.Event, trace.EventBase)
    with pytest.raises(TypeError):
        trace.EventBase("e")  # attributes is abstract
    event = trace.Event("e", {"k": 1}, timestamp=5)
    assert (event.name, event.timestamp, dict(event.attributes)) == ("e", 5, {"k": 1})


def _newest_spans(prefix: str) -> List[str]:
    trace = _sdk(prefix, "trace")
    export = _sdk(prefix, "trace.export")
    exporter = _sdk(prefix, "trace.export.in_memory_span_exporter").InMemorySpanExporter(
        max_spans=2
    )
    provider = trace.TracerProvider()
    provider.add_span_processor(export.SimpleSpanProcessor(exporter))
    for name in "abc":
        provider.get_tracer("t").start_span(name).end()
    provider.shutdown()
    return [span.name for span in exporter.get_finished_spans()]


def test_in_memory_exporter_keeps_the_newest_max_spans() -> None:
    assert _newest_spans("otelbridge.sdk") == _newest_spans("opentelemetry.sdk") == ["b", "c"]


def _exponential_min_max(prefix: str, record_min_max: bool) -> List[Any]:
    metrics = _sdk(prefix, "metrics")
    view = _sdk(prefix, "metrics.view")
    export = _sdk(prefix, "metrics.export")
    reader = export.InMemoryMetricReader()
    aggregation = view.ExponentialBucketHistogramAggregation(record_min_max=record_min_max)
    provider = metrics.MeterProvider(
        metric_readers=[reader],
        views=[view.View(instrument_name="h", aggregation=aggregation)],
    )
    histogram = provider.get_meter("m").create_histogram("h")
    for value in (3, 7, 1):
        histogram.record(value)
    data = reader.get_metrics_data()
    point = data.resource_metrics[0].scope_metrics[0].metrics[0].data.data_points[0]
    provider.shutdown()
    return [point.count, point.sum, point.min, point.max]


@pytest.mark.parametrize("record_min_max", [True, False])
def test_exponential_histogram_record_min_max(record_min_max: bool) -> None:
    ours = _exponential_min_max("otelbridge.sdk", record_min_max)
    assert ours == _exponential_min_max("opentelemetry.sdk", record_min_max)
    assert ours[:2] == [3, 11]


def test_periodic_reader_takes_cardinality_limits() -> None:
    from otelbridge.sdk.metrics import Counter, MeterProvider
    from otelbridge.sdk.metrics.export import (
        MetricExporter,
        MetricExportResult,
        PeriodicExportingMetricReader,
    )

    class Keep(MetricExporter):
        def __init__(self) -> None:
            super().__init__()
            self.batches: List[Any] = []

        def export(self, metrics_data: Any, timeout_millis: float = 10_000, **_: Any) -> Any:
            self.batches.append(metrics_data)
            return MetricExportResult.SUCCESS

        def force_flush(self, timeout_millis: float = 10_000) -> bool:
            return True

        def shutdown(self, timeout_millis: float = 30_000, **_: Any) -> None:
            return None

    exporter = Keep()
    reader = PeriodicExportingMetricReader(
        exporter, export_interval_millis=60_000, cardinality_limits={Counter: 3}
    )
    provider = MeterProvider(metric_readers=[reader], shutdown_on_exit=False)
    counter = provider.get_meter("m").create_counter("c")
    for index in range(10):
        counter.add(1, {"i": index})
    provider.force_flush()
    provider.shutdown()
    metric = exporter.batches[0].resource_metrics[0].scope_metrics[0].metrics[0]
    points = metric.data.data_points
    assert len(points) == 3
    assert {"otel.metric.overflow": True} in [dict(p.attributes) for p in points]
