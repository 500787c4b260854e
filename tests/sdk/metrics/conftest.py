"""Shared fixtures: build a provider with an in-memory reader; collect metrics by name."""

from __future__ import annotations

from typing import Any, Callable, Dict, Tuple

import pytest

from otelbridge.sdk.metrics import MeterProvider
from otelbridge.sdk.metrics.export import InMemoryMetricReader, Metric
from otelbridge.sdk.resources import Resource

MakeProvider = Callable[..., Tuple[MeterProvider, InMemoryMetricReader]]
Collect = Callable[[InMemoryMetricReader], Dict[str, Metric]]


@pytest.fixture
def make_provider() -> MakeProvider:
    """``make_provider(views=..., **reader_kwargs)`` -> (provider, reader)."""

    def make(views: Any = (), **reader_kwargs: Any) -> Tuple[MeterProvider, InMemoryMetricReader]:
        reader = InMemoryMetricReader(**reader_kwargs)
        provider = MeterProvider(
            metric_readers=[reader],
            resource=Resource({"service.name": "test"}),
            shutdown_on_exit=False,
            views=views,
        )
        return provider, reader

    return make


@pytest.fixture
def collect() -> Collect:
    """Collect now; the metrics by name (the name must be unique in the collection)."""

    def by_name(reader: InMemoryMetricReader) -> Dict[str, Metric]:
        data = reader.get_metrics_data()
        assert data is not None
        found: Dict[str, Metric] = {}
        for resource_metrics in data.resource_metrics:
            for scope_metrics in resource_metrics.scope_metrics:
                for metric in scope_metrics.metrics:
                    assert metric.name not in found, metric.name
                    found[metric.name] = metric
        return found

    return by_name
