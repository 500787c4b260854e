"""Every bridge test leaves the process as it found it: uninstalled, globals unchanged."""

from __future__ import annotations

from typing import Iterator

import opentracing
import pytest
from opentelemetry import metrics, propagate
from opentelemetry import trace as trace_api

from otelbridge.bridge import install, installed_tracer, uninstall
from otelbridge.sdk.trace import TracerProvider
from otelbridge.sdk.trace.export import SimpleSpanProcessor
from otelbridge.sdk.trace.export.in_memory_span_exporter import InMemorySpanExporter


@pytest.fixture(autouse=True)
def leaves_no_trace() -> Iterator[None]:
    before = (
        trace_api._TRACER_PROVIDER,
        metrics.get_meter_provider(),
        propagate.get_global_textmap(),
        opentracing.global_tracer(),
        opentracing.is_global_tracer_registered(),
    )
    yield
    uninstall()
    assert installed_tracer() is None
    after = (
        trace_api._TRACER_PROVIDER,
        metrics.get_meter_provider(),
        propagate.get_global_textmap(),
        opentracing.global_tracer(),
        opentracing.is_global_tracer_registered(),
    )
    assert after == before


@pytest.fixture
def bridged_memory() -> Iterator[InMemorySpanExporter]:
    """The bridge installed over our provider exporting into memory; uninstalled afterwards."""
    exporter = InMemorySpanExporter()
    provider = TracerProvider(shutdown_on_exit=False)
    provider.add_span_processor(SimpleSpanProcessor(exporter))
    install(tracer_provider=provider)
    yield exporter
    uninstall()
    provider.shutdown()
