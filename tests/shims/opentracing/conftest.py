"""Shared fixtures: a shim over our SDK that records into memory, and a clean context per test."""

from __future__ import annotations

from typing import Iterator

import pytest
from opentelemetry.context import Context, attach, detach

from otelbridge.sdk.trace import TracerProvider
from otelbridge.sdk.trace.export import SimpleSpanProcessor
from otelbridge.sdk.trace.export.in_memory_span_exporter import InMemorySpanExporter
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
    provider = TracerProvider(shutdown_on_exit=False)
    provider.add_span_processor(SimpleSpanProcessor(exporter))
    yield provider
    provider.shutdown()


@pytest.fixture
def tracer(provider: TracerProvider) -> TracerShim:
    return TracerShim(provider)


class Finished:
    """Questions about the spans the exporter received, by span name."""

    def __init__(self, exporter: InMemorySpanExporter) -> None:
        self._exporter = exporter

    def spans(self) -> tuple:
        return self._exporter.get_finished_spans()

    def names(self) -> list[str]:
        """Names in the order the spans finished."""
        return [span.name for span in self._exporter.get_finished_spans()]

    def parents(self) -> dict[str, object]:
        """Each span's name mapped to its parent's name (None for a root, "?" if not exported)."""
        spans = self._exporter.get_finished_spans()
        names = {span.context.span_id: span.name for span in spans}
        return {
            span.name: None if span.parent is None else names.get(span.parent.span_id, "?")
            for span in spans
        }

    def traces(self) -> list[set[str]]:
        """The span names grouped by trace."""
        groups: dict[int, set[str]] = {}
        for span in self._exporter.get_finished_spans():
            groups.setdefault(span.context.trace_id, set()).add(span.name)
        return sorted(groups.values(), key=sorted)

    def get(self, name: str):  # -> ReadableSpan
        (span,) = [span for span in self._exporter.get_finished_spans() if span.name == name]
        return span


@pytest.fixture
def finished(exporter: InMemorySpanExporter) -> Finished:
    return Finished(exporter)
