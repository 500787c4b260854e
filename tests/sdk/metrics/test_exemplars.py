"""Exemplars: filters (also from ``OTEL_METRICS_EXEMPLAR_FILTER``), reservoirs, views, and
the same exemplars as opentelemetry-sdk for the same recordings."""

from __future__ import annotations

from typing import Any, List

import pytest
from opentelemetry.sdk import metrics as peer_metrics
from opentelemetry.sdk.metrics.export import InMemoryMetricReader as PeerReader

from otelbridge.sdk.configuration import ConfigurationError
from otelbridge.sdk.metrics import (
    AlwaysOffExemplarFilter,
    AlwaysOnExemplarFilter,
    ExemplarFilter,
    MeterProvider,
    SimpleFixedSizeExemplarReservoir,
    TraceBasedExemplarFilter,
)
from otelbridge.sdk.metrics.export import InMemoryMetricReader
from otelbridge.sdk.metrics.view import View
from otelbridge.sdk.trace import TracerProvider
from otelbridge.sdk.trace.sampling import ALWAYS_OFF

TRACER = TracerProvider().get_tracer("exemplar tests")


def provider_with(*, views: Any = (), **kwargs: Any):
    reader = InMemoryMetricReader()
    provider = MeterProvider(metric_readers=[reader], shutdown_on_exit=False, views=views, **kwargs)
    return provider.get_meter("m"), reader


def exemplars(reader: Any, name: str) -> List[List[Any]]:
    data = reader.get_metrics_data()
    for scope_metrics in data.resource_metrics[0].scope_metrics:
        for metric in scope_metrics.metrics:
            if metric.name == name:
                return [list(point.exemplars) for point in metric.data.data_points]
    raise AssertionError(f"no metric {name}")


def test_trace_based_is_the_default_and_keeps_the_span(monkeypatch) -> None:
    monkeypatch.delenv("OTEL_METRICS_EXEMPLAR_FILTER", raising=False)
    meter, reader = provider_with()
    counter = meter.create_counter("orders")
    counter.add(1, {"k": "v"})  # no span: no exemplar
    with TRACER.start_as_current_span("checkout") as span:
        counter.add(2, {"k": "v"})
    unsampled = TracerProvider(sampler=ALWAYS_OFF).get_tracer("t")
    with unsampled.start_as_current_span("not sampled"):
        counter.add(3, {"k": "v"})
    ((exemplar,),) = exemplars(reader, "orders")
    context = span.get_span_context()
    assert (exemplar.value, exemplar.span_id, exemplar.trace_id) == (
        2,
        context.span_id,
        context.trace_id,
    )
    assert exemplar.filtered_attributes == {}
    assert exemplar.time_unix_nano > 0
    assert exemplars(reader, "orders") == [[]]  # handed over once per collection


@pytest.mark.parametrize(
    ("env", "expected"), [("always_on", 1), ("ALWAYS_OFF", 0), ("trace_based", 0)]
)
def test_the_filter_comes_from_the_environment(monkeypatch, env, expected) -> None:
    monkeypatch.setenv("OTEL_METRICS_EXEMPLAR_FILTER", env)
    meter, reader = provider_with()
    meter.create_histogram("latency").record(7.0)
    assert [len(e) for e in exemplars(reader, "latency")] == [expected]


def test_an_unknown_filter_name_is_a_one_line_configuration_error(monkeypatch) -> None:
    monkeypatch.setenv("OTEL_METRICS_EXEMPLAR_FILTER", "sometimes")
    with pytest.raises(ConfigurationError, match="OTEL_METRICS_EXEMPLAR_FILTER='sometimes'"):
        MeterProvider(shutdown_on_exit=False)


def test_always_off_collects_none_even_inside_spans() -> None:
    meter, reader = provider_with(exemplar_filter=AlwaysOffExemplarFilter())
    with TRACER.start_as_current_span("s"):
        meter.create_counter("c").add(1)
    assert exemplars(reader, "c") == [[]]


def test_histograms_keep_the_last_exemplar_of_each_bucket() -> None:
    view = View(instrument_name="latency", attribute_keys={"route"})
    meter, reader = provider_with(exemplar_filter=AlwaysOnExemplarFilter(), views=[view])
    histogram = meter.create_histogram("latency")
    for value, user in ((3, "a"), (4, "b"), (40, "c"), (5000, "d")):
        histogram.record(value, {"route": "/x", "user": user})
    ((*found,),) = exemplars(reader, "latency")
    assert [(e.value, e.filtered_attributes) for e in found] == [
        (4, {"user": "b"}),  # bucket (0, 5]: the last one wins
        (40, {"user": "c"}),
        (5000, {"user": "d"}),
    ]


def test_a_custom_filter_and_reservoir_factory_are_used() -> None:
    class EvenOnly(ExemplarFilter):
        def should_sample(self, value, time_unix_nano, attributes, context) -> bool:
            return value % 2 == 0

    seen = []

    def factory(aggregation_type: type):
        seen.append(aggregation_type.__name__)
        return lambda **kwargs: SimpleFixedSizeExemplarReservoir(size=3, **kwargs)

    view = View(instrument_name="c", exemplar_reservoir_factory=factory)
    meter, reader = provider_with(exemplar_filter=EvenOnly(), views=[view])
    counter = meter.create_counter("c")
    for value in range(1, 9):
        counter.add(value)
    ((*found,),) = exemplars(reader, "c")
    assert seen == ["SumAggregation"]
    assert len(found) == 3 and all(e.value % 2 == 0 for e in found)


def test_a_subclass_of_a_builtin_filter_decides_with_its_own_should_sample() -> None:
    class EvenOnly(AlwaysOnExemplarFilter):
        def should_sample(self, value, time_unix_nano, attributes, context) -> bool:
            return value % 2 == 0

    meter, reader = provider_with(exemplar_filter=EvenOnly())
    counter = meter.create_counter("c")
    for value in range(1, 9):
        counter.add(value)
    ((*found,),) = exemplars(reader, "c")
    assert found and all(e.value % 2 == 0 for e in found)


def test_same_exemplars_as_opentelemetry_sdk() -> None:
    ours_meter, ours_reader = provider_with(exemplar_filter=AlwaysOnExemplarFilter())
    peer_reader = PeerReader()
    peer_provider = peer_metrics.MeterProvider(
        metric_readers=[peer_reader],
        exemplar_filter=peer_metrics.AlwaysOnExemplarFilter(),
        shutdown_on_exit=False,
    )
    peer_meter = peer_provider.get_meter("m")
    with TRACER.start_as_current_span("s"):
        for meter in (ours_meter, peer_meter):
            meter.create_histogram("h").record(42, {"a": 1})
            meter.create_counter("c").add(5, {"a": 1})

    def by_name(reader: Any) -> Any:
        (scope_metrics,) = reader.get_metrics_data().resource_metrics[0].scope_metrics
        return {
            m.name: [
                [(e.filtered_attributes or {}, e.value, e.span_id, e.trace_id) for e in p.exemplars]
                for p in m.data.data_points
            ]
            for m in scope_metrics.metrics
        }

    ours, peer = by_name(ours_reader), by_name(peer_reader)
    assert ours == peer
    assert len(ours["h"][0]) == len(ours["c"][0]) == 1


def test_exemplar_filters_answer_should_sample_like_the_spec_says() -> None:
    with TRACER.start_as_current_span("s"):
        from opentelemetry.context import get_current

        inside = get_current()
    from opentelemetry.context import Context

    assert TraceBasedExemplarFilter().should_sample(1, 0, {}, inside)
    assert not TraceBasedExemplarFilter().should_sample(1, 0, {}, Context())
    assert AlwaysOnExemplarFilter().should_sample(1, 0, {}, Context())
    assert not AlwaysOffExemplarFilter().should_sample(1, 0, {}, inside)


def test_offered_measurements_past_the_cardinality_limit_go_to_the_overflow_series() -> None:
    view = View(instrument_name="c", aggregation_cardinality_limit=3)
    meter, reader = provider_with(exemplar_filter=AlwaysOnExemplarFilter(), views=[view])
    counter = meter.create_counter("c")
    for i in range(6):
        counter.add(1, {"i": i})
    data = reader.get_metrics_data().resource_metrics[0].scope_metrics[0].metrics[0].data
    by_attributes = {tuple(p.attributes.items()): p for p in data.data_points}
    overflow = by_attributes[(("otel.metric.overflow", True),)]
    assert overflow.value == 4
    (exemplar,) = overflow.exemplars
    assert "i" in exemplar.filtered_attributes  # the measurement's own attributes
    assert sum(p.value for p in data.data_points) == 6


def test_delta_readers_report_each_exemplar_once() -> None:
    from otelbridge.sdk.metrics import Counter
    from otelbridge.sdk.metrics.export import AggregationTemporality

    reader = InMemoryMetricReader(preferred_temporality={Counter: AggregationTemporality.DELTA})
    provider = MeterProvider(
        metric_readers=[reader], exemplar_filter=AlwaysOnExemplarFilter(), shutdown_on_exit=False
    )
    counter = provider.get_meter("m").create_counter("d")
    counter.add(1)
    assert [len(e) for e in exemplars(reader, "d")] == [1]
    counter.add(2)
    ((exemplar,),) = exemplars(reader, "d")
    assert exemplar.value == 2
