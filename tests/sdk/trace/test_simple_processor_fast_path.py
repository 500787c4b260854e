"""SimpleSpanProcessor's inlined export path keeps deliver_safely's rules: an exporter that
raises is logged, never reaches the code ending the span, and the context is restored."""

from __future__ import annotations

import logging

from opentelemetry import context
from opentelemetry.context import _SUPPRESS_INSTRUMENTATION_KEY, get_value

from otelbridge.sdk.trace import TracerProvider
from otelbridge.sdk.trace.export import SimpleSpanProcessor, SpanExporter


def test_a_raising_exporter_is_logged_and_the_context_restored(caplog) -> None:
    calls = []

    class Broken(SpanExporter):
        def export(self, spans):
            calls.append(get_value(_SUPPRESS_INSTRUMENTATION_KEY))
            raise ConnectionError("collector down")

    provider = TracerProvider(shutdown_on_exit=False)
    provider.add_span_processor(SimpleSpanProcessor(Broken()))
    before = context.get_current()
    with caplog.at_level(logging.ERROR):
        provider.get_tracer("t").start_span("op").end()
    assert calls == [True]
    assert context.get_current() is before
    assert "failed to export 1 span(s)" in caplog.text
    assert "collector down" in caplog.text
