from __future__ import annotations

import random

from otelbridge.sdk.trace import TracerProvider
from otelbridge.sdk.trace.id_generator import RandomIdGenerator
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
