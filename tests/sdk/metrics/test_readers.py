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
