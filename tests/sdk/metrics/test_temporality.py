"""Delta and cumulative temporality, preferred per instrument class, and the OTLP env var."""

from __future__ import annotations

import logging

import pytest
from opentelemetry import metrics as api
from opentelemetry.metrics import Observation

from otelbridge.sdk.metrics import (
    Counter,
    Histogram,
    ObservableCounter,
    ObservableGauge,
    ObservableUpDownCounter,
    UpDownCounter,
    _Gauge,
)
from otelbridge.sdk.metrics.export import AggregationTemporality, preferred_temporality_from_env

DELTA = AggregationTemporality.DELTA
CUMULATIVE = AggregationTemporality.CUMULATIVE


def test_delta_counter_and_histogram_reset_each_collection(make_provider, collect) -> None:
    provider, reader = make_provider(preferred_temporality={Counter: DELTA, Histogram: DELTA})
    meter = provider.get_meter("m")
    counter, histogram = meter.create_counter("c"), meter.create_histogram("h")
    counter.add(2, {"k": "a"})
    histogram.record(3)
    first = collect(reader)
    counter.add(5, {"k": "a"})
    second = collect(reader)
    third = collect(reader)
    c1, c2 = first["c"].data.data_points[0], second["c"].data.data_points[0]
    assert first["c"].data.aggregation_temporality is DELTA
    assert (c1.value, c2.value) == (2, 5)
    # Delta windows are contiguous.
    assert c2.start_time_unix_nano == c1.time_unix_nano
    assert "h" not in second and "c" not in third
    assert first["h"].data.data_points[0].count == 1


def test_api_classes_work_as_preference_keys(make_provider, collect) -> None:
    provider, reader = make_provider(preferred_temporality={api.Counter: DELTA})
    provider.get_meter("m").create_counter("c").add(1)
    assert collect(reader)["c"].data.aggregation_temporality is DELTA


def test_unknown_preference_key_is_rejected(make_provider) -> None:
    with pytest.raises(ValueError):
        make_provider(preferred_temporality={dict: DELTA})


def test_observable_counter_totals_become_deltas(make_provider, collect) -> None:
    totals = iter([10, 15, 15, 40])
    provider, reader = make_provider(preferred_temporality={ObservableCounter: DELTA})
    provider.get_meter("m").create_observable_counter(
        "bytes", [lambda options: [Observation(next(totals), {"nic": "eth0"})]]
    )
    values = [collect(reader)["bytes"].data.data_points[0].value for _ in range(4)]
    assert values == [10, 5, 0, 25]


def test_cumulative_observable_counter_reports_the_observed_total(make_provider, collect):
    totals = iter([10, 15])
    provider, reader = make_provider()
    provider.get_meter("m").create_observable_counter(
        "bytes", [lambda options: [Observation(next(totals))]]
    )
    first, second = (collect(reader)["bytes"].data.data_points[0] for _ in range(2))
    assert (first.value, second.value) == (10, 15)
    assert first.start_time_unix_nano == second.start_time_unix_nano


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("cumulative", dict.fromkeys([Counter, Histogram, ObservableCounter], CUMULATIVE)),
        ("DELTA", {Counter: DELTA, Histogram: DELTA, ObservableCounter: DELTA}),
        ("lowmemory", {Counter: DELTA, Histogram: DELTA, ObservableCounter: CUMULATIVE}),
    ],
)
def test_temporality_preference_env(monkeypatch, value, expected) -> None:
    monkeypatch.setenv("OTEL_EXPORTER_OTLP_METRICS_TEMPORALITY_PREFERENCE", value)
    mapping = preferred_temporality_from_env()
    for cls, temporality in expected.items():
        assert mapping[cls] is temporality
    for cls in (UpDownCounter, ObservableUpDownCounter, ObservableGauge, _Gauge):
        assert mapping[cls] is CUMULATIVE


def test_unknown_temporality_preference_warns(caplog) -> None:
    with caplog.at_level(logging.WARNING):
        mapping = preferred_temporality_from_env("sometimes")
    assert "sometimes" in caplog.text
    assert set(mapping.values()) == {CUMULATIVE}
