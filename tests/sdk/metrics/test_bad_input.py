"""Bad input is dropped or contained, with a warning, never raised into the caller."""

from __future__ import annotations

import logging
import math

import pytest
from opentelemetry.metrics import Observation

from otelbridge.sdk.metrics.view import View


@pytest.mark.parametrize("bad", [-1, -0.5, math.nan, math.inf, -math.inf, "3", None])
def test_counter_drops_negative_and_non_finite(make_provider, collect, caplog, bad) -> None:
    provider, reader = make_provider()
    counter = provider.get_meter("m").create_counter("c")
    counter.add(2)
    with caplog.at_level(logging.WARNING):
        counter.add(bad)
    assert "dropped the value" in caplog.text
    assert collect(reader)["c"].data.data_points[0].value == 2


@pytest.mark.parametrize("bad", [math.nan, math.inf, -math.inf])
def test_non_finite_values_dropped_everywhere(make_provider, collect, caplog, bad) -> None:
    provider, reader = make_provider()
    meter = provider.get_meter("m")
    updown, histogram, gauge = (
        meter.create_up_down_counter("u"),
        meter.create_histogram("h"),
        meter.create_gauge("g"),
    )
    with caplog.at_level(logging.WARNING):
        updown.add(bad)
        histogram.record(bad)
        gauge.set(bad)
    assert caplog.text.count("dropped the value") == 3
    updown.add(-1)
    histogram.record(1)
    found = collect(reader)
    assert found["u"].data.data_points[0].value == -1
    assert found["h"].data.data_points[0].count == 1
    assert "g" not in found


def test_failing_callback_is_logged_and_others_still_report(make_provider, collect, caplog):
    provider, reader = make_provider()
    meter = provider.get_meter("m")

    def broken(options):
        raise RuntimeError("sensor unplugged")

    meter.create_observable_gauge(
        "temp", [broken, lambda options: [Observation(21, {"room": "a"})]]
    )
    meter.create_observable_counter("bytes", [lambda options: [Observation(-5), Observation(7)]])
    with caplog.at_level(logging.WARNING):
        found = collect(reader)
    assert "sensor unplugged" in caplog.text
    assert [p.value for p in found["temp"].data.data_points] == [21]
    # The negative total is dropped, the valid one reported.
    assert [p.value for p in found["bytes"].data.data_points] == [7]
    assert "dropped the value -5" in caplog.text


def test_view_matching_nothing_warns_once(make_provider, collect, caplog) -> None:
    provider, reader = make_provider(views=[View(instrument_name="no.such.*")])
    provider.get_meter("m").create_counter("other").add(1)
    with caplog.at_level(logging.WARNING):
        collect(reader)
        collect(reader)
    assert caplog.text.count("matches no instrument") == 1


def test_view_naming_a_stream_needs_an_exact_instrument_name() -> None:
    with pytest.raises(ValueError):
        View(instrument_name="http.*", name="renamed")
    with pytest.raises(ValueError):
        View()


def test_unhashable_attribute_values_are_aggregated(make_provider, collect) -> None:
    provider, reader = make_provider()
    counter = provider.get_meter("m").create_counter("c")
    counter.add(1, {"tags": ["a", "b"]})
    counter.add(1, {"tags": ["a", "b"]})
    assert collect(reader)["c"].data.data_points[0].value == 2
