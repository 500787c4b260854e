"""SpanLimits from the OTEL_* variables."""

from __future__ import annotations

import pytest

from otelbridge.sdk.trace import SpanLimits, TracerProvider
from otelbridge.sdk.trace.export import SimpleSpanProcessor
from otelbridge.sdk.trace.export.in_memory_span_exporter import InMemorySpanExporter

LIMIT_VARS = (
    "OTEL_ATTRIBUTE_COUNT_LIMIT",
    "OTEL_ATTRIBUTE_VALUE_LENGTH_LIMIT",
    "OTEL_SPAN_ATTRIBUTE_COUNT_LIMIT",
    "OTEL_SPAN_ATTRIBUTE_VALUE_LENGTH_LIMIT",
    "OTEL_SPAN_EVENT_COUNT_LIMIT",
    "OTEL_SPAN_LINK_COUNT_LIMIT",
    "OTEL_EVENT_ATTRIBUTE_COUNT_LIMIT",
    "OTEL_LINK_ATTRIBUTE_COUNT_LIMIT",
)


@pytest.fixture(autouse=True)
def clean(monkeypatch):
    for name in LIMIT_VARS:
        monkeypatch.delenv(name, raising=False)


def test_defaults() -> None:
    limits = SpanLimits()
    assert limits.max_span_attributes == limits.max_events == limits.max_links == 128
    assert limits.max_event_attributes == limits.max_link_attributes == 128
    assert limits.max_attribute_length is None and limits.max_span_attribute_length is None


def test_env_vars_and_general_fallbacks(monkeypatch) -> None:
    monkeypatch.setenv("OTEL_ATTRIBUTE_COUNT_LIMIT", "10")
    monkeypatch.setenv("OTEL_SPAN_ATTRIBUTE_COUNT_LIMIT", "2")
    monkeypatch.setenv("OTEL_ATTRIBUTE_VALUE_LENGTH_LIMIT", "4")
    monkeypatch.setenv("OTEL_SPAN_EVENT_COUNT_LIMIT", "1")
    monkeypatch.setenv("OTEL_SPAN_LINK_COUNT_LIMIT", "")  # empty: unlimited
    limits = SpanLimits()
    assert limits.max_span_attributes == 2
    assert limits.max_event_attributes == limits.max_link_attributes == 10
    assert limits.max_span_attribute_length == 4
    assert limits.max_events == 1 and limits.max_links is None
    assert SpanLimits(max_span_attributes=7).max_span_attributes == 7  # argument wins
    assert SpanLimits(max_events=SpanLimits.UNSET).max_events is None

    exporter = InMemorySpanExporter()
    provider = TracerProvider(shutdown_on_exit=False)  # reads the env itself
    provider.add_span_processor(SimpleSpanProcessor(exporter))
    span = provider.get_tracer("t").start_span("op", attributes={"a": "abcdefgh", "b": 1, "c": 2})
    span.add_event("one")
    span.add_event("two")
    span.end()
    (finished,) = exporter.get_finished_spans()
    assert dict(finished.attributes) == {"a": "abcd", "b": 1}
    assert finished.dropped_attributes == 1 and finished.dropped_events == 1


@pytest.mark.parametrize("value", ["-1", "ten"])
def test_invalid_env_value_raises_naming_variable(monkeypatch, value) -> None:
    monkeypatch.setenv("OTEL_SPAN_LINK_COUNT_LIMIT", value)
    with pytest.raises(ValueError, match="OTEL_SPAN_LINK_COUNT_LIMIT"):
        SpanLimits()
