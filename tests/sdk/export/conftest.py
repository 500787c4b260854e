"""Fixtures for exporter tests: a real OTLP receiver on loopback and span factories."""

from __future__ import annotations

import threading
from typing import Any, Iterator, List

import pytest

from otelbridge.devtools.receiver import OTLPReceiver
from otelbridge.sdk.trace import TracerProvider
from otelbridge.sdk.trace.export import SimpleSpanProcessor
from otelbridge.sdk.trace.export.in_memory_span_exporter import InMemorySpanExporter


class Collected:
    """What a receiver got, in arrival order; ``wait_for`` blocks until enough spans arrived."""

    def __init__(self) -> None:
        self.requests: List[Any] = []
        self._changed = threading.Condition()

    def __call__(self, request: Any) -> None:
        with self._changed:
            self.requests.append(request)
            self._changed.notify_all()

    def spans(self) -> List[Any]:
        return [
            span
            for request in self.requests
            for resource_spans in getattr(request, "resource_spans", ())
            for scope_spans in resource_spans.scope_spans
            for span in scope_spans.spans
        ]

    def wait_for(self, count: int, timeout: float = 5.0) -> List[Any]:
        with self._changed:
            self._changed.wait_for(lambda: len(self.spans()) >= count, timeout)
        return self.spans()


@pytest.fixture
def collected() -> Collected:
    return Collected()


@pytest.fixture
def receiver(collected: Collected) -> Iterator[OTLPReceiver]:
    with OTLPReceiver(collected, grpc_port=0, http_port=0) as running:
        yield running


def make_spans(count: int, **attributes: Any) -> List[Any]:
    """``count`` finished spans from our SDK, each with ``attributes`` plus its index."""
    memory = InMemorySpanExporter()
    provider = TracerProvider()
    provider.add_span_processor(SimpleSpanProcessor(memory))
    tracer = provider.get_tracer("tests.export", "1.0")
    for index in range(count):
        with tracer.start_as_current_span("op", attributes={**attributes, "index": index}):
            pass
    provider.shutdown()
    return list(memory.get_finished_spans())
