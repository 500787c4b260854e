"""ScopeManagerShim on OpenTelemetry's context: nesting with native spans, threads, asyncio."""

from __future__ import annotations

import asyncio
from concurrent.futures import ThreadPoolExecutor

from opentelemetry import baggage as otel_baggage
from opentelemetry import trace
from opentelemetry.context import attach, detach
from opentracing.mocktracer import MockTracer

from otelbridge.shims.opentracing import ScopeShim, SpanShim


def test_active_returns_the_same_scope_and_span_objects(tracer) -> None:
    assert tracer.active_span is None
    with tracer.start_active_span("a") as scope:
        assert tracer.scope_manager.active is scope
        assert tracer.active_span is scope.span
        assert isinstance(scope, ScopeShim) and isinstance(scope.span, SpanShim)
    assert tracer.scope_manager.active is None


def test_native_span_inside_opentracing_span_and_back(tracer, provider, finished) -> None:
    native = provider.get_tracer("native")
    with tracer.start_active_span("ot-outer") as outer:
        assert trace.get_current_span() is outer.span.unwrap()
        with native.start_as_current_span("native") as native_span:
            active = tracer.active_span
            assert active is not None and active.unwrap() is native_span
            with tracer.start_active_span("ot-inner"):
                pass
        assert tracer.active_span is outer.span
    assert finished.parents() == {
        "ot-inner": "native",
        "native": "ot-outer",
        "ot-outer": None,
    }


def test_natively_active_span_is_usable_through_opentracing(tracer, provider, finished) -> None:
    with provider.get_tracer("native").start_as_current_span("native"):
        scope = tracer.scope_manager.active
        scope.span.set_tag("from", "opentracing").log_kv({"event": "seen"})
        scope.close()  # not the shim's to close: the native span must stay open
        assert trace.get_current_span().is_recording()
    span = finished.get("native")
    assert span.attributes["from"] == "opentracing"
    assert [event.name for event in span.events] == ["seen"]


def test_activated_span_baggage_is_visible_natively(tracer) -> None:
    span = tracer.start_span("s").set_baggage_item("user", "7")
    with tracer.scope_manager.activate(span, finish_on_close=True):
        assert otel_baggage.get_baggage("user") == "7"
    assert otel_baggage.get_baggage("user") is None


def test_baggage_without_span_is_seen_as_a_noop_active_span(tracer) -> None:
    token = attach(otel_baggage.set_baggage("tenant", "acme"))
    try:
        active = tracer.active_span
        assert active is not None
        assert active.get_baggage_item("tenant") == "acme"
        assert not active.unwrap().get_span_context().is_valid
    finally:
        detach(token)


def test_activate_none_hides_span_and_baggage(tracer, provider, finished) -> None:
    token = attach(otel_baggage.set_baggage("tenant", "acme"))
    try:
        with tracer.start_active_span("outer"):
            with tracer.scope_manager.activate(None, finish_on_close=True) as nothing:
                assert tracer.active_span is None
                assert otel_baggage.get_baggage("tenant") is None
                assert not nothing.span.unwrap().get_span_context().is_valid
                with provider.get_tracer("native").start_as_current_span("native-root"):
                    pass
            assert tracer.active_span is not None
    finally:
        detach(token)
    assert finished.parents() == {"native-root": None, "outer": None}


def test_spans_of_other_tracers_can_be_activated(tracer, provider, finished) -> None:
    foreign = MockTracer().start_span("foreign")
    with tracer.start_active_span("mine") as mine:
        with tracer.scope_manager.activate(foreign, finish_on_close=True) as scope:
            assert tracer.active_span is foreign
            assert tracer.scope_manager.active is scope
            # Native code keeps the last OpenTelemetry span as its parent.
            with provider.get_tracer("native").start_as_current_span("native"):
                pass
        assert foreign.finished
        assert tracer.active_span is mine.span
    assert finished.parents() == {"native": "mine", "mine": None}


def test_closing_twice_or_out_of_order_does_nothing(tracer) -> None:
    outer = tracer.start_active_span("outer")
    inner = tracer.start_active_span("inner")
    outer.close()  # not the active scope
    assert tracer.scope_manager.active is inner
    inner.close()
    inner.close()
    assert tracer.scope_manager.active is outer
    outer.close()
    assert tracer.scope_manager.active is None


def test_threads_start_without_the_callers_scope(tracer, finished) -> None:
    with tracer.start_active_span("main") as main, ThreadPoolExecutor(max_workers=2) as pool:
        assert pool.submit(lambda: tracer.active_span).result() is None

        def work(span):
            with tracer.scope_manager.activate(span, False), tracer.start_active_span("worker"):
                return tracer.active_span.context

        pool.submit(work, main.span).result()
    assert finished.parents() == {"worker": "main", "main": None}


def test_asyncio_tasks_inherit_the_active_scope(tracer, finished) -> None:
    async def child(name: str) -> None:
        await asyncio.sleep(0)
        with tracer.start_active_span(name):
            await asyncio.sleep(0)

    async def main() -> None:
        with tracer.start_active_span("parent") as parent:
            await asyncio.gather(child("one"), child("two"))
            assert tracer.scope_manager.active is parent

    asyncio.run(main())
    assert finished.parents() == {"one": "parent", "two": "parent", "parent": None}


def test_scope_closed_from_a_copied_context_restores_it(tracer) -> None:
    async def main() -> None:
        scope = tracer.start_active_span("opened-here")

        async def closer() -> None:
            scope.close()
            assert tracer.active_span is None

        await asyncio.create_task(closer())

    asyncio.run(main())


def test_baggage_set_on_the_active_span_becomes_current_baggage(tracer) -> None:
    with tracer.start_active_span("a") as scope:
        scope.span.set_baggage_item("k", "v")
        assert otel_baggage.get_baggage("k") == "v"
        other = tracer.start_span("not-active")
        other.set_baggage_item("other", "x")  # not active here: current baggage unchanged
        assert otel_baggage.get_baggage("other") is None
    assert otel_baggage.get_baggage("k") is None
    assert tracer.active_span is None
