from __future__ import annotations

import random

from opentelemetry import trace

from otelbridge.sdk.trace import TracerProvider
from otelbridge.sdk.trace.id_generator import IdGenerator, RandomIdGenerator
from otelbridge.sdk.trace.sampling import ALWAYS_OFF
from otelbridge.sdk.util.entry_points import entry_points_in


def test_ids_in_range_and_distinct() -> None:
    generator = RandomIdGenerator()
    span_ids = {generator.generate_span_id() for _ in range(1000)}
    trace_ids = {generator.generate_trace_id() for _ in range(1000)}
    assert len(span_ids) == len(trace_ids) == 1000
    assert all(0 < i < 2**64 for i in span_ids) and all(0 < i < 2**128 for i in trace_ids)


def test_never_returns_the_invalid_id(monkeypatch) -> None:
    draws = iter([0, 0, 7, 0, 9])
    monkeypatch.setattr(random, "getrandbits", lambda bits: next(draws))
    generator = RandomIdGenerator()
    assert generator.generate_span_id() == 7
    assert generator.generate_trace_id() == 9


def test_custom_generator_used_by_provider() -> None:
    class Fixed(RandomIdGenerator):
        def generate_trace_id(self) -> int:
            return 0xABC

    provider = TracerProvider(id_generator=Fixed(), shutdown_on_exit=False)
    assert provider.get_tracer("t").start_span("s").get_span_context().trace_id == 0xABC


def test_registered_for_opentelemetry_auto_configuration() -> None:
    assert entry_points_in("opentelemetry_id_generator")["otelbridge"].load() is RandomIdGenerator


def _traceparent(provider: TracerProvider, context=None) -> str:
    from otelbridge.sdk.propagation.tracecontext import TraceContextTextMapPropagator

    carrier: dict = {}
    span = provider.get_tracer("t").start_span("s", context=context)
    TraceContextTextMapPropagator().inject(carrier, trace.set_span_in_context(span))
    span.end()
    return carrier["traceparent"]


def test_random_trace_id_flag_follows_the_generator_and_the_parent() -> None:
    """Root spans carry 0x02 when the generator's ids are random; children inherit the bit from
    their parent (local or remote), never from the generator."""
    from opentelemetry.trace import NonRecordingSpan, SpanContext, TraceFlags

    class Sequential(IdGenerator):
        def __init__(self) -> None:
            self._next = 0

        def generate_span_id(self) -> int:
            self._next += 1
            return self._next

        def generate_trace_id(self) -> int:
            return self.generate_span_id()

    assert RandomIdGenerator().is_trace_id_random() is True
    assert Sequential().is_trace_id_random() is False
    assert _traceparent(TracerProvider()).endswith("-03")
    assert _traceparent(TracerProvider(id_generator=Sequential())).endswith("-01")
    assert _traceparent(TracerProvider(sampler=ALWAYS_OFF)).endswith("-02")
    for flags, expected in ((0x01, "-01"), (0x03, "-03")):
        remote = SpanContext(0xAB, 0xCD, True, TraceFlags(flags))
        context = trace.set_span_in_context(NonRecordingSpan(remote))
        assert _traceparent(TracerProvider(), context).endswith(expected)
