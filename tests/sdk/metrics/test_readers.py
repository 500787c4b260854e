"""Readers added and removed after the MeterProvider was built, checked against opentelemetry-sdk
running the same scenario (the import prefix is the only difference)."""

from __future__ import annotations

import importlib
import logging
from typing import Any, Dict, List, Tuple

import pytest


def _sums(reader: Any) -> Dict[str, List[Tuple[Dict[str, Any], float]]]:
    data = reader.get_metrics_data()
    out: Dict[str, List[Tuple[Dict[str, Any], float]]] = {}
    for resource_metrics in data.resource_metrics if data else ():
        for scope_metrics in resource_metrics.scope_metrics:
            for metric in scope_metrics.metrics:
                out[metric.name] = [
                    (dict(point.attributes), point.value) for point in metric.data.data_points
                ]
    return out


def _scenario(prefix: str) -> List[Any]:
    metrics = importlib.import_module(f"{prefix}.metrics")
    export = importlib.import_module(f"{prefix}.metrics.export")
    resources = importlib.import_module(f"{prefix}.resources")
    first, second = export.InMemoryMetricReader(), export.InMemoryMetricReader()
    provider = metrics.MeterProvider(
        metric_readers=[first], resource=resources.Resource({"service.name": "s"})
    )
    counter = provider.get_meter("m").create_counter("requests")
    counter.add(1, {"route": "a"})
    provider.add_metric_reader(second)  # sees the existing instrument from now on
    provider.add_metric_reader(second)  # already registered: warned, ignored
    counter.add(2, {"route": "a"})
    late = provider.get_meter("m").create_up_down_counter("queue")
    late.add(5)
    seen = [_sums(first), _sums(second)]
    provider.remove_metric_reader(first)  # shut down, no longer fed
    provider.remove_metric_reader(first)  # not registered: warned, ignored
    counter.add(4, {"route": "a"})
    seen.append(_sums(second))
    provider.shutdown()
    return seen


def test_add_and_remove_metric_reader_like_the_reference(caplog: pytest.LogCaptureFixture) -> None:
    with caplog.at_level(logging.WARNING):
        ours = _scenario("otelbridge.sdk")
    assert ours == _scenario("opentelemetry.sdk")
    assert ours[1]["requests"] == [({"route": "a"}, 2)]
    assert ours[2] == {"requests": [({"route": "a"}, 6)], "queue": [({}, 5)]}
    warnings = [r.getMessage() for r in caplog.records if r.name.startswith("otelbridge")]
    assert any("already registered" in w for w in warnings)
    assert any("not registered" in w for w in warnings)


def test_a_removed_reader_is_shut_down_and_collects_nothing(
    caplog: pytest.LogCaptureFixture,
) -> None:
    from otelbridge.sdk.metrics import MeterProvider
    from otelbridge.sdk.metrics.export import InMemoryMetricReader

    reader = InMemoryMetricReader()
    provider = MeterProvider(metric_readers=[reader], shutdown_on_exit=False)
    provider.get_meter("m").create_counter("c").add(1)
    provider.remove_metric_reader(reader)
    with caplog.at_level(logging.WARNING):
        assert reader.get_metrics_data() is None
    provider.shutdown()


def test_callbacks_share_the_collection_deadline(caplog: pytest.LogCaptureFixture) -> None:
    """Each callback is told the time left; once the deadline passes the remaining callbacks
    are not run (and named in one warning) instead of stretching the collection further."""
    import time

    from opentelemetry.metrics import Observation

    from otelbridge.sdk.metrics import MeterProvider
    from otelbridge.sdk.metrics.export import MetricReader

    class Keep(MetricReader):
        data: Any = None

        def _receive_metrics(self, metrics_data: Any, timeout_millis: float = 0, **_: Any) -> None:
            self.data = metrics_data

        def shutdown(self, timeout_millis: float = 30_000, **_: Any) -> None:
            return None

    reader = Keep()
    provider = MeterProvider(metric_readers=[reader], shutdown_on_exit=False)
    meter = provider.get_meter("m")
    told: List[float] = []

    def slow(options: Any) -> List[Observation]:
        told.append(options.timeout_millis)
        time.sleep(0.3)
        return [Observation(1)]

    def fast(options: Any) -> List[Observation]:
        told.append(options.timeout_millis)
        return [Observation(2)]

    meter.create_observable_gauge("slow", [slow])
    meter.create_observable_gauge("late", [fast])
    with caplog.at_level(logging.WARNING):
        reader.collect(timeout_millis=200)
    names = [m.name for m in reader.data.resource_metrics[0].scope_metrics[0].metrics]
    assert names == ["slow"]
    assert len(told) == 1 and 0 < told[0] <= 200
    assert "callbacks of late were not run" in caplog.text
    # with time to spare, every callback runs again
    reader.collect(timeout_millis=10_000)
    assert len(told) == 3 and told[1] > 9_000
    provider.shutdown()
