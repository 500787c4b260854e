"""Fixtures: OpenCensus' global stats reset around each test, the shim installed with an
in-memory reader reporting its producer."""

from __future__ import annotations

import itertools
from typing import Any, Dict, Iterator

import pytest
from opencensus.stats import stats

from otelbridge.sdk.metrics import MeterProvider
from otelbridge.sdk.metrics.export import InMemoryMetricReader, Metric
from otelbridge.shims.opencensus import stats as shim

_names = itertools.count()


def _reset_opencensus() -> None:
    shim.uninstall()
    stats.stats.view_manager.measure_to_view_map.__init__()


@pytest.fixture(autouse=True)
def clean_opencensus() -> Iterator[None]:
    _reset_opencensus()
    yield
    _reset_opencensus()


@pytest.fixture
def unique() -> Any:
    """``unique("latency")`` -> a name no other test uses (OpenCensus state is global)."""
    return lambda base: f"{base}_{next(_names)}"


@pytest.fixture
def reader() -> Iterator[InMemoryMetricReader]:
    """The shim installed; a reader whose collections include OpenCensus' metrics."""
    shim.install()
    reader = InMemoryMetricReader(metric_producers=[shim.PRODUCER])
    provider = MeterProvider(metric_readers=[reader], shutdown_on_exit=False)
    yield reader
    provider.shutdown()


def metrics_by_name(reader: InMemoryMetricReader) -> Dict[str, Metric]:
    data = reader.get_metrics_data()
    return {
        metric.name: metric
        for resource_metrics in data.resource_metrics
        for scope_metrics in resource_metrics.scope_metrics
        for metric in scope_metrics.metrics
    }
