"""The seven instruments, created through ``opentelemetry.metrics`` calls on our provider."""

from __future__ import annotations

import json
import logging
from typing import Any, Iterator, List

import pytest
from opentelemetry import metrics
from opentelemetry.metrics import CallbackOptions, Observation

from otelbridge.sdk.metrics import Counter, Histogram, ObservableGauge, UpDownCounter, _Gauge
from otelbridge.sdk.metrics.export import AggregationTemporality, Gauge, Sum


def points(metric: Any) -> dict:
    return {tuple(sorted(p.attributes.items())): p for p in metric.data.data_points}


def test_counter_sums_per_attribute_set_whatever_the_key_order(make_provider, collect) -> None:
    provider, reader = make_provider()
    meter = metrics.get_meter("shop", "1.2", meter_provider=provider)
    counter = meter.create_counter("orders", unit="{order}", description="orders placed")
    assert isinstance(counter, Counter)
    counter.add(1, {"region": "eu", "tier": "gold"})
    counter.add(2, {"tier": "gold", "region": "eu"})
    counter.add(5)
    metric = collect(reader)["orders"]
    assert (metric.unit, metric.description) == ("{order}", "orders placed")
    assert isinstance(metric.data, Sum)
    assert metric.data.is_monotonic
    assert metric.data.aggregation_temporality is AggregationTemporality.CUMULATIVE
    got = {k: p.value for k, p in points(metric).items()}
    assert got == {(("region", "eu"), ("tier", "gold")): 3, (): 5}


def test_cumulative_sums_keep_growing_and_keep_their_start(make_provider, collect) -> None:
    provider, reader = make_provider()
    counter = provider.get_meter("m").create_counter("c")
    counter.add(2)
    first = collect(reader)["c"].data.data_points[0]
    counter.add(3)
    second = collect(reader)["c"].data.data_points[0]
    assert (first.value, second.value) == (2, 5)
    assert first.start_time_unix_nano == second.start_time_unix_nano
    assert second.time_unix_nano > first.time_unix_nano


def test_up_down_counter_is_a_non_monotonic_sum(make_provider, collect) -> None:
    provider, reader = make_provider()
    queue = metrics.get_meter("m", meter_provider=provider).create_up_down_counter("queue")
    assert isinstance(queue, UpDownCounter)
    queue.add(5)
    queue.add(-7.5)
    metric = collect(reader)["queue"]
    assert metric.data.is_monotonic is False
    assert metric.data.data_points[0].value == -2.5


def test_histogram_default_buckets_min_max(make_provider, collect) -> None:
    provider, reader = make_provider()
    latency = metrics.get_meter("m", meter_provider=provider).create_histogram("latency", "ms")
    assert isinstance(latency, Histogram)
    for value in (0, 5, 5.5, 10, 20000):
        latency.record(value, {"route": "/"})
    point = collect(reader)["latency"].data.data_points[0]
    assert point.explicit_bounds[:4] == [0.0, 5.0, 10.0, 25.0]
    assert len(point.bucket_counts) == 16
    # Buckets are (previous, bound]: 0 -> first, 5 -> second, 5.5 and 10 -> third, 20000 -> last.
    assert point.bucket_counts[:3] == [1, 1, 2]
    assert point.bucket_counts[-1] == 1
    assert (point.count, point.sum, point.min, point.max) == (5, 20020.5, 0, 20000)


def test_histogram_advisory_boundaries(make_provider, collect) -> None:
    provider, reader = make_provider()
    meter = provider.get_meter("m")
    histogram = meter.create_histogram("size", explicit_bucket_boundaries_advisory=[1, 10, 100])
    histogram.record(50)
    point = collect(reader)["size"].data.data_points[0]
    assert point.explicit_bounds == [1.0, 10.0, 100.0]
    assert point.bucket_counts == [0, 0, 1, 0]


def test_synchronous_gauge_reports_the_last_value_set(make_provider, collect) -> None:
    provider, reader = make_provider()
    gauge = metrics.get_meter("m", meter_provider=provider).create_gauge("temperature", "Cel")
    assert isinstance(gauge, _Gauge)
    gauge.set(20.5, {"room": "a"})
    gauge.set(19.0, {"room": "a"})
    gauge.set(25, {"room": "b"})
    metric = collect(reader)["temperature"]
    assert isinstance(metric.data, Gauge)
    assert {k: p.value for k, p in points(metric).items()} == {
        (("room", "a"),): 19.0,
        (("room", "b"),): 25,
    }


def test_observable_instruments_with_plain_and_generator_callbacks(make_provider, collect) -> None:
    provider, reader = make_provider()
    meter = metrics.get_meter("m", meter_provider=provider)
    seen: List[CallbackOptions] = []

    def cpu(options: CallbackOptions) -> List[Observation]:
        seen.append(options)
        return [Observation(10, {"cpu": "0"}), Observation(12, {"cpu": "1"})]

    def rss() -> Iterator[List[Observation]]:
        value = 100
        while True:
            yield [Observation(value)]
            value += 1

    meter.create_observable_counter("cpu.time", [cpu], unit="s")
    meter.create_observable_up_down_counter("rss", [rss()], unit="By")
    gauge = meter.create_observable_gauge("load", [lambda options: [Observation(0.5)]])
    assert isinstance(gauge, ObservableGauge)
    first = collect(reader)
    second = collect(reader)
    assert isinstance(seen[0], CallbackOptions) and seen[0].timeout_millis > 0
    assert {k: p.value for k, p in points(first["cpu.time"]).items()} == {
        (("cpu", "0"),): 10,
        (("cpu", "1"),): 12,
    }
    assert first["cpu.time"].data.is_monotonic
    # As in opentelemetry-sdk, a generator is primed once: its first yield is not reported.
    assert first["rss"].data.data_points[0].value == 101
    assert second["rss"].data.data_points[0].value == 102
    assert first["rss"].data.is_monotonic is False
    assert isinstance(first["load"].data, Gauge)
    assert first["load"].data.data_points[0].value == 0.5


def test_same_instrument_twice_returns_the_first(make_provider, collect) -> None:
    provider, reader = make_provider()
    meter = provider.get_meter("m")
    first = meter.create_counter("Requests", unit="1", description="d")
    again = meter.create_counter("requests", unit="1", description="d")
    assert again is first
    again.add(2)
    assert collect(reader)["Requests"].data.data_points[0].value == 2


def test_conflicting_duplicate_warns_and_reports_both(make_provider, collect, caplog) -> None:
    provider, reader = make_provider()
    meter = provider.get_meter("m")
    counter = meter.create_counter("jobs", unit="1")
    with caplog.at_level(logging.WARNING):
        updown = meter.create_up_down_counter("jobs", unit="1")
    assert "conflicts" in caplog.text
    counter.add(1)
    updown.add(-1)
    data = reader.get_metrics_data()
    assert data is not None
    kinds = sorted(m.data.is_monotonic for m in data.resource_metrics[0].scope_metrics[0].metrics)
    assert kinds == [False, True]


@pytest.mark.parametrize("name", ["", "1abc", "has space", "x" * 256, "ünïcode"])
def test_invalid_names_warn_and_yield_no_op_instruments(make_provider, collect, caplog, name):
    provider, reader = make_provider()
    meter = provider.get_meter("m")
    with caplog.at_level(logging.WARNING):
        counter = meter.create_counter(name)
    assert "invalid instrument name" in caplog.text
    assert isinstance(counter, metrics.NoOpCounter)
    counter.add(1)
    assert collect(reader) == {}


def test_invalid_unit_yields_no_op(make_provider, caplog) -> None:
    provider, _ = make_provider()
    with caplog.at_level(logging.WARNING):
        histogram = provider.get_meter("m").create_histogram("h", unit="µs")
    assert isinstance(histogram, metrics.NoOpHistogram)
    assert "invalid unit" in caplog.text


def test_meters_are_cached_per_scope_and_scopes_are_reported(make_provider) -> None:
    provider, reader = make_provider()
    meter = provider.get_meter("lib", "1.0", "https://schema", {"a": 1})
    assert provider.get_meter("lib", "1.0", "https://schema", {"a": 1}) is meter
    assert provider.get_meter("lib", "2.0") is not meter
    meter.create_counter("c").add(1)
    data = reader.get_metrics_data()
    assert data is not None
    scope_metrics = data.resource_metrics[0].scope_metrics[0]
    assert (scope_metrics.scope.name, scope_metrics.scope.version) == ("lib", "1.0")
    assert scope_metrics.schema_url == "https://schema"
    assert data.resource_metrics[0].resource.attributes["service.name"] == "test"


def test_to_json_round_trips_every_level(make_provider) -> None:
    provider, reader = make_provider()
    meter = provider.get_meter("m")
    meter.create_counter("c").add(1, {"k": "v"})
    meter.create_histogram("h").record(3)
    data = reader.get_metrics_data()
    assert data is not None
    decoded = json.loads(data.to_json())
    metrics_json = decoded["resource_metrics"][0]["scope_metrics"][0]["metrics"]
    assert [m["name"] for m in metrics_json] == ["c", "h"]
    assert metrics_json[0]["data"]["data_points"][0]["attributes"] == {"k": "v"}
    assert metrics_json[1]["data"]["data_points"][0]["bucket_counts"][1] == 1
