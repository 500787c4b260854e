from __future__ import annotations

from typing import Iterator, Tuple

import pytest

from otelbridge.sdk.trace import TracerProvider
from otelbridge.sdk.trace.export import SimpleSpanProcessor
from otelbridge.sdk.trace.export.in_memory_span_exporter import InMemorySpanExporter


@pytest.fixture
def pipeline() -> Iterator[Tuple[TracerProvider, InMemorySpanExporter]]:
    """A provider exporting synchronously into memory."""
    provider = TracerProvider(shutdown_on_exit=False)
    exporter = InMemorySpanExporter()
    provider.add_span_processor(SimpleSpanProcessor(exporter))
    yield provider, exporter
    provider.shutdown()


@pytest.fixture
def provider(pipeline: Tuple[TracerProvider, InMemorySpanExporter]) -> TracerProvider:
    return pipeline[0]


@pytest.fixture
def exporter(pipeline: Tuple[TracerProvider, InMemorySpanExporter]) -> InMemorySpanExporter:
    return pipeline[1]
