"""Span behaviour through the public API: attributes, events, links, status, end-once."""

from __future__ import annotations

import logging
import subprocess
import sys
import textwrap
import threading

import pytest
from hypothesis import given
from hypothesis import strategies as st
from opentelemetry import trace
from opentelemetry.trace import Link, SpanContext, SpanKind, Status, StatusCode, TraceFlags

from otelbridge.sdk.trace import ReadableSpan, SpanLimits, TracerProvider
from otelbridge.sdk.trace.export import SimpleSpanProcessor
from otelbridge.sdk.trace.export.in_memory_span_exporter import InMemorySpanExporter


def test_finished_span_exposes_readable_span_interface(provider, exporter) -> None:
    tracer = provider.get_tracer("lib", "1.2", schema_url="https://schema", attributes={"a": 1})
    linked = SpanContext(0xABC, 0xDEF, is_remote=True, trace_flags=TraceFlags(1))
    span = tracer.start_span(
        "op",
        kind=SpanKind.SERVER,
        attributes={"http.method": "GET"},
        links=[Link(linked, {"x": 1})],
    )
    span.set_attribute("count", 3)
    span.add_event("cache.miss", {"key": "k"}, timestamp=1234)
    span.end(end_time=span.start_time + 5)

    (finished,) = exporter.get_finished_spans()
    assert isinstance(finished, ReadableSpan)
    assert finished.name == "op"
    assert finished.kind is SpanKind.SERVER
    assert finished.parent is None
    assert finished.context.is_valid and finished.context.trace_flags.sampled
    assert finished.get_span_context() == finished.context
    assert finished.end_time - finished.start_time == 5
    assert dict(finished.attributes) == {"http.method": "GET", "count": 3}
    (event,) = finished.events
    assert (event.name, event.timestamp, dict(event.attributes)) == (
        "cache.miss",
        1234,
        {"key": "k"},
    )
    (link,) = finished.links
    assert link.context == linked and dict(link.attributes) == {"x": 1}
    assert link.dropped_attributes == 0
    assert finished.status.status_code is StatusCode.UNSET
    assert finished.resource.attributes["telemetry.sdk.name"] == "otelbridge"
    scope = finished.instrumentation_scope
    assert (scope.name, scope.version, scope.schema_url) == ("lib", "1.2", "https://schema")
    assert dict(scope.attributes) == {"a": 1}
    assert (finished.dropped_attributes, finished.dropped_events, finished.dropped_links) == (
        0,
        0,
        0,
    )
    assert '"name": "op"' in finished.to_json()


def test_children_share_trace_and_point_to_parent(provider, exporter) -> None:
    tracer = provider.get_tracer("t")
    with tracer.start_as_current_span("parent") as parent:
        assert trace.get_current_span() is parent
        with tracer.start_as_current_span("child") as child:
            assert trace.get_current_span() is child
        assert trace.get_current_span() is parent
    assert trace.get_current_span() is trace.INVALID_SPAN
    spans = {s.name: s for s in exporter.get_finished_spans()}
    assert spans["child"].parent == spans["parent"].context
    assert spans["child"].context.trace_id == spans["parent"].context.trace_id
    assert spans["child"].context.span_id != spans["parent"].context.span_id


def test_explicit_context_parent(provider, exporter) -> None:
    tracer = provider.get_tracer("t")
    parent = tracer.start_span("parent")
    child = tracer.start_span("child", context=trace.set_span_in_context(parent))
    child.end()
    parent.end()
    assert exporter.get_finished_spans()[0].parent == parent.get_span_context()


def test_remote_parent_is_honoured(provider, exporter) -> None:
    remote = SpanContext(0x1234, 0x5678, is_remote=True, trace_flags=TraceFlags(1))
    ctx = trace.set_span_in_context(trace.NonRecordingSpan(remote))
    provider.get_tracer("t").start_span("child", context=ctx).end()
    (span,) = exporter.get_finished_spans()
    assert span.context.trace_id == 0x1234 and span.parent == remote


@pytest.mark.parametrize(
    "value",
    [None, {"nested": "dict"}, [1, "mixed"], [1, 2.0], [[1]], object(), b"\xff\xfe"],
    ids=["none", "dict", "mixed-str-int", "int-float", "nested-list", "object", "bad-bytes"],
)
def test_invalid_attribute_dropped_with_one_warning(provider, exporter, caplog, value) -> None:
    span = provider.get_tracer("t").start_span("op")
    with caplog.at_level(logging.WARNING):
        span.set_attribute("bad", value)
        span.set_attribute("good", "yes")
    span.end()
    warnings = [r for r in caplog.records if "bad" in r.getMessage()]
    assert len(warnings) == 1
    assert dict(exporter.get_finished_spans()[0].attributes) == {"good": "yes"}


def test_invalid_attributes_at_start_dropped_one_warning_each(provider, exporter, caplog) -> None:
    with caplog.at_level(logging.WARNING):
        provider.get_tracer("t").start_span(
            "op", attributes={"a": None, "b": {"x": 1}, "c": ["x", None, "y"], "": 1}
        ).end()
    assert dict(exporter.get_finished_spans()[0].attributes) == {"c": ("x", None, "y")}
    messages = [r.getMessage() for r in caplog.records]
    assert sum("'a'" in m for m in messages) == 1
    assert sum("'b'" in m for m in messages) == 1
    assert sum("''" in m for m in messages) == 1


def test_valid_attribute_values_are_kept(provider, exporter) -> None:
    span = provider.get_tracer("t").start_span("op")
    span.set_attributes(
        {
            "s": "x",
            "b": True,
            "i": 7,
            "f": 1.5,
            "seq": ["a", "b"],
            "bools": (True, False),
            "bytes": b"ok",
            "set": [3],
        }
    )
    span.end()
    attrs = dict(exporter.get_finished_spans()[0].attributes)
    assert attrs == {
        "s": "x",
        "b": True,
        "i": 7,
        "f": 1.5,
        "seq": ("a", "b"),
        "bools": (True, False),
        "bytes": "ok",
        "set": (3,),
    }


@given(
    st.dictionaries(
        st.text(min_size=1),
        st.one_of(
            st.none(),
            st.integers(),
            st.text(),
            st.floats(),
            st.booleans(),
            st.lists(st.integers()),
            st.dictionaries(st.text(), st.integers()),
        ),
    )
)
def test_any_attribute_mix_never_raises(attributes) -> None:
    provider = TracerProvider(shutdown_on_exit=False)
    exporter = InMemorySpanExporter()
    provider.add_span_processor(SimpleSpanProcessor(exporter))
    span = provider.get_tracer("t").start_span("op", attributes=attributes)
    for key, value in attributes.items():
        span.set_attribute(key, value)
    span.end()
    kept = exporter.get_finished_spans()[0].attributes
    for key, value in kept.items():
        assert value is not None and not isinstance(value, (dict, list))
        assert key in attributes


def test_methods_on_ended_span_warn_and_do_nothing(provider, exporter, caplog) -> None:
    span = provider.get_tracer("t").start_span("op")
    span.end()
    assert not span.is_recording()
    with caplog.at_level(logging.WARNING):
        span.set_attribute("k", "v")
        span.set_attributes({"k": "v"})
        span.add_event("e")
        span.add_link(SpanContext(1, 2, False))
        span.update_name("renamed")
        span.set_status(StatusCode.ERROR)
        span.record_exception(ValueError("x"))
        span.end()
    assert len([r for r in caplog.records if "ended span" in r.getMessage()]) == 8
    (finished,) = exporter.get_finished_spans()
    assert finished.name == "op" and not finished.attributes and not finished.events
    assert finished.status.status_code is StatusCode.UNSET and not finished.links


def test_end_twice_exports_once_and_keeps_first_end_time(provider, exporter) -> None:
    span = provider.get_tracer("t").start_span("op")
    span.end(end_time=span.start_time + 1)
    span.end(end_time=span.start_time + 99)
    (finished,) = exporter.get_finished_spans()
    assert finished.end_time == finished.start_time + 1


def test_end_from_many_threads_exports_once(provider, exporter) -> None:
    spans = [provider.get_tracer("t").start_span(f"s{i}") for i in range(200)]
    barrier = threading.Barrier(4)

    def end_all() -> None:
        barrier.wait()
        for span in spans:
            span.end()

    threads = [threading.Thread(target=end_all) for _ in range(4)]
    logging.disable(logging.WARNING)
    try:
        for t in threads:
            t.start()
        for t in threads:
            t.join()
    finally:
        logging.disable(logging.NOTSET)
    assert len(exporter.get_finished_spans()) == 200


def test_status_rules(provider, exporter) -> None:
    tracer = provider.get_tracer("t")
    span = tracer.start_span("a")
    span.set_status(StatusCode.UNSET)
    assert span.status.status_code is StatusCode.UNSET
    span.set_status(StatusCode.ERROR, "bad")
    assert (span.status.status_code, span.status.description) == (StatusCode.ERROR, "bad")
    span.set_status(Status(StatusCode.UNSET))
    assert span.status.status_code is StatusCode.ERROR
    span.set_status(StatusCode.OK)
    span.set_status(StatusCode.ERROR, "later")
    assert span.status.status_code is StatusCode.OK  # OK is final
    span.end()


def test_status_description_only_with_error(provider, caplog) -> None:
    span = provider.get_tracer("t").start_span("a")
    with caplog.at_level(logging.WARNING):
        span.set_status(Status(StatusCode.ERROR, "x"), "ignored")
    assert span.status.description == "x"
    assert any("ignored" in r.getMessage() for r in caplog.records)
    span.end()


def test_update_name_and_add_link(provider, exporter) -> None:
    span = provider.get_tracer("t").start_span("a")
    span.update_name("b")
    span.add_link(SpanContext(5, 6, True), {"why": "batch"})
    span.add_link(trace.INVALID_SPAN_CONTEXT)  # invalid and empty: ignored
    span.end()
    (finished,) = exporter.get_finished_spans()
    assert finished.name == "b"
    assert [(link.context.span_id, dict(link.attributes)) for link in finished.links] == [
        (6, {"why": "batch"})
    ]


def test_record_exception_event(provider, exporter) -> None:
    span = provider.get_tracer("t").start_span("a")
    try:
        raise KeyError("missing")
    except KeyError as exc:
        span.record_exception(exc, attributes={"extra": 1})
    span.end()
    (event,) = exporter.get_finished_spans()[0].events
    assert event.name == "exception"
    assert event.attributes["exception.type"] == "KeyError"
    assert event.attributes["exception.message"] == "'missing'"
    assert "raise KeyError" in event.attributes["exception.stacktrace"]
    assert event.attributes["exception.escaped"] == "False"
    assert event.attributes["extra"] == 1


class AppError(Exception):
    pass


def test_exception_in_current_span_recorded_and_status_error(provider, exporter) -> None:
    tracer = provider.get_tracer("t")
    with pytest.raises(AppError), tracer.start_as_current_span("op"):
        raise AppError("kaput")
    (span,) = exporter.get_finished_spans()
    assert span.status.status_code is StatusCode.ERROR
    assert span.status.description == "AppError: kaput"
    assert span.events[0].attributes["exception.type"].endswith("test_span.AppError")


def test_exception_in_span_context_manager_is_escaped(provider, exporter) -> None:
    with pytest.raises(AppError), provider.get_tracer("t").start_span("op"):
        raise AppError("x")
    (span,) = exporter.get_finished_spans()
    assert span.events[0].attributes["exception.escaped"] == "True"
    assert span.status.status_code is StatusCode.ERROR


def test_no_exception_recording_when_disabled(provider, exporter) -> None:
    tracer = provider.get_tracer("t")
    with (
        pytest.raises(AppError),
        tracer.start_as_current_span("op", record_exception=False, set_status_on_exception=False),
    ):
        raise AppError("x")
    (span,) = exporter.get_finished_spans()
    assert not span.events and span.status.status_code is StatusCode.UNSET


def test_end_on_exit_false_leaves_span_open(provider, exporter) -> None:
    with provider.get_tracer("t").start_as_current_span("op", end_on_exit=False) as span:
        pass
    assert span.is_recording() and not exporter.get_finished_spans()
    span.end()
    assert len(exporter.get_finished_spans()) == 1


def test_start_as_current_span_as_decorator(provider, exporter) -> None:
    tracer = provider.get_tracer("t")

    @tracer.start_as_current_span("work")
    def work() -> int:
        return trace.get_current_span().get_span_context().span_id

    first, second = work(), work()
    assert first != second  # a fresh span per call
    assert [s.name for s in exporter.get_finished_spans()] == ["work", "work"]


def test_async_decorator(provider, exporter) -> None:
    import asyncio

    tracer = provider.get_tracer("t")

    @tracer.start_as_current_span("async-work")
    async def work() -> str:
        await asyncio.sleep(0)
        return trace.get_current_span().name  # type: ignore[attr-defined]

    assert asyncio.run(work()) == "async-work"
    assert exporter.get_finished_spans()[0].name == "async-work"


def test_span_limits_applied(exporter) -> None:
    provider = TracerProvider(
        shutdown_on_exit=False,
        span_limits=SpanLimits(
            max_span_attributes=2,
            max_events=1,
            max_links=1,
            max_event_attributes=1,
            max_link_attributes=1,
            max_attribute_length=3,
        ),
    )
    provider.add_span_processor(SimpleSpanProcessor(exporter))
    span = provider.get_tracer("t").start_span(
        "op",
        attributes={"a": "abcdef", "b": ["long", "x"], "c": 3},
        links=[Link(SpanContext(1, 2, False), {"p": 1, "q": 2}), Link(SpanContext(3, 4, False))],
    )
    span.set_attribute("d", 4)
    span.set_attribute("a", "zzzzzz")  # existing key may still be updated
    span.add_event("e1", {"x": 1, "y": 2})
    span.add_event("e2")
    span.end()
    (finished,) = exporter.get_finished_spans()
    assert dict(finished.attributes) == {"a": "zzz", "b": ("lon", "x")}
    assert finished.dropped_attributes == 2
    assert [e.name for e in finished.events] == ["e1"] and finished.dropped_events == 1
    assert finished.events[0].dropped_attributes == 1
    assert len(finished.links) == 1 and finished.dropped_links == 1
    assert finished.links[0].dropped_attributes == 1


def test_limit_drops_logged_once_per_kind() -> None:
    """In a fresh process: three spans over two limits give exactly two log lines."""
    code = textwrap.dedent(
        """
        from otelbridge.sdk.trace import SpanLimits, TracerProvider
        provider = TracerProvider(
            shutdown_on_exit=False, span_limits=SpanLimits(max_span_attributes=1, max_events=0)
        )
        for _ in range(3):
            span = provider.get_tracer("t").start_span("op", attributes={"a": 1, "b": 2})
            span.set_attribute("c", 3)
            span.add_event("e")
            span.end()
            assert (span.dropped_attributes, span.dropped_events) == (2, 1)
        """
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, timeout=60
    )
    lines = [line for line in result.stderr.splitlines() if "limit was reached" in line]
    assert len(lines) == 2
    assert "span attributes" in lines[0] and "events" in lines[1]
