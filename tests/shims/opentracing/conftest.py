"""Shared fixtures: a shim over our SDK that records into memory, and a clean context per test."""

from __future__ import annotations

from typing import Iterator

import pytest
from opentelemetry.context import Context, attach, detach
from opentelemetry.sdk.trace import TracerProvider
from opentelemetry.sdk.trace.export import SimpleSpanProcessor
from opentelemetry.sdk.trace.export.in_memory_span_exporter import InMemorySpanExporter

from otelbridge.shims.opentracing import TracerShim


@pytest.fixture(autouse=True)
def empty_context() -> Iterator[None]:
    """Each test starts from an empty OpenTelemetry context.

    The shim keeps the active scope in that (process-wide) context, and some tests, like
    OpenTracing's own ``test_close_wrong_order``, leave scopes open on purpose.
    """
    token = attach(Context())
    yield
    detach(token)


@pytest.fixture
def exporter() -> InMemorySpanExporter:
    return InMemorySpanExporter()


@pytest.fixture
def provider(exporter: InMemorySpanExporter) -> Iterator[TracerProvider]:
    provider = TracerProvider()
    provider.add_span_processor(SimpleSpanProcessor(exporter))
    yield provider
    provider.shutdown()


@pytest.fixture
def tracer(provider: TracerProvider) -> TracerShim:
    return TracerShim(provider)
