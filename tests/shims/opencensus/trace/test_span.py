"""SpanShim: every mutation OpenCensus code makes reaches the OpenTelemetry span."""

from __future__ import annotations

import datetime
import logging
import time

import pytest
from opencensus.trace import link as oc_link
from opencensus.trace import span as oc_span
from opencensus.trace import status as oc_status
from opencensus.trace import time_event
from opencensus.trace.samplers import AlwaysOnSampler
from opentelemetry.trace import SpanKind, StatusCode

from otelbridge.shims.opencensus import Tracer
from otelbridge.shims.opencensus.trace import (
    LINK_TYPE_ATTRIBUTE,
    MESSAGE_COMPRESSED_ATTRIBUTE,
    MESSAGE_TYPE_ATTRIBUTE,
    MESSAGE_UNCOMPRESSED_ATTRIBUTE,
)

from .conftest import spans_by_name


def tracer(provider):
    return Tracer(sampler=AlwaysOnSampler(), tracer_provider=provider)


def test_rename_kind_status_written_after_start_are_kept(provider, exporter) -> None:
    t = tracer(provider)
    span = t.start_span()
    span.name = "[GET]/users"
    span.span_kind = oc_span.SpanKind.SERVER
    span.status = oc_status.Status(5, "not here")
    t.end_span()
    (done,) = exporter.get_finished_spans()
    assert done.name == "[GET]/users"
    assert done.kind is SpanKind.SERVER
    assert done.status.status_code is StatusCode.ERROR
    assert done.status.description == "not here"


@pytest.mark.parametrize(
    ("kind", "expected"),
    [
        (oc_span.SpanKind.CLIENT, SpanKind.CLIENT),
        (oc_span.SpanKind.SERVER, SpanKind.SERVER),
        (oc_span.SpanKind.UNSPECIFIED, SpanKind.INTERNAL),
    ],
)
def test_span_kinds(provider, exporter, kind, expected) -> None:
    with tracer(provider).span("s") as span:
        span.span_kind = kind
    assert exporter.get_finished_spans()[0].kind is expected


def test_status_ok_when_set_ok_unset_when_never_set_last_write_wins(provider, exporter) -> None:
    t = tracer(provider)
    with t.span("never"):
        pass
    with t.span("ok") as span:
        span.set_status(oc_status.Status(0))
    with t.span("ok-then-error") as span:
        span.status = oc_status.Status.as_ok()
        span.status = oc_status.Status(2, "boom")
    spans = spans_by_name(exporter)
    assert spans["never"].status.status_code is StatusCode.UNSET
    assert spans["ok"].status.status_code is StatusCode.OK
    assert spans["ok-then-error"].status.status_code is StatusCode.ERROR
    assert spans["ok-then-error"].status.description == "boom"


def test_exception_leaving_with_records_event_and_error(provider, exporter) -> None:
    t = tracer(provider)
    with pytest.raises(ValueError), t.span("failing"):
        raise ValueError("bad value")
    (done,) = exporter.get_finished_spans()
    assert done.status.status_code is StatusCode.ERROR
    assert done.status.description == "bad value"
    assert [event.name for event in done.events] == ["exception"]
    assert done.events[0].attributes["exception.message"] == "bad value"


def test_attributes_of_unsupported_types_are_stringified(provider, exporter) -> None:
    with tracer(provider).span("s") as span:
        span.add_attribute("n", 3)
        span.add_attribute("obj", {"a": 1})
        span.add_attribute(7, "key not a string")
        span.add_attribute("dropped", None)
    attributes = exporter.get_finished_spans()[0].attributes
    assert attributes == {"n": 3, "obj": "{'a': 1}", "7": "key not a string"}


def test_annotations_become_events_with_attributes(provider, exporter) -> None:
    with tracer(provider).span("s") as span:
        span.add_annotation("cache miss", key="user:1", size=3)
    (event,) = exporter.get_finished_spans()[0].events
    assert event.name == "cache miss"
    assert dict(event.attributes) == {"key": "user:1", "size": 3}


def test_message_events_keep_their_utc_timestamp(provider, exporter, monkeypatch) -> None:
    monkeypatch.setenv("TZ", "America/New_York")
    time.tzset()
    moment = datetime.datetime(2024, 1, 2, 3, 4, 5, 678901)
    with tracer(provider).span("s") as span:
        span.add_message_event(time_event.MessageEvent(moment, 42, time_event.Type.SENT, 100, 60))
        span.add_message_event(time_event.MessageEvent(moment, 43, time_event.Type.RECEIVED, 9))
    sent, received = exporter.get_finished_spans()[0].events
    expected = int(moment.replace(tzinfo=datetime.timezone.utc).timestamp()) * 10**9 + 678901000
    assert sent.timestamp == received.timestamp == expected
    assert sent.name == "42"
    assert dict(sent.attributes) == {
        MESSAGE_TYPE_ATTRIBUTE: "SENT",
        MESSAGE_UNCOMPRESSED_ATTRIBUTE: 100,
        MESSAGE_COMPRESSED_ATTRIBUTE: 60,
    }
    assert received.attributes[MESSAGE_TYPE_ATTRIBUTE] == "RECEIVED"
    assert received.attributes[MESSAGE_COMPRESSED_ATTRIBUTE] == 9  # OpenCensus' default
    monkeypatch.delenv("TZ")
    time.tzset()


def test_links_with_their_type(provider, exporter) -> None:
    trace_id, span_id = "0af7651916cd43dd8448eb211c80319c", "b7ad6b7169203331"
    with tracer(provider).span("s") as span:
        span.add_link(oc_link.Link(trace_id, span_id, oc_link.Type.PARENT_LINKED_SPAN, {"a": 1}))
    (link,) = exporter.get_finished_spans()[0].links
    assert link.context.trace_id == int(trace_id, 16)
    assert link.context.span_id == int(span_id, 16)
    assert dict(link.attributes) == {"a": 1, LINK_TYPE_ATTRIBUTE: "PARENT_LINKED_SPAN"}


def test_wrong_types_keep_opencensus_errors(provider) -> None:
    with tracer(provider).span("s") as span:
        with pytest.raises(TypeError):
            span.add_link("not a link")
        with pytest.raises(TypeError):
            span.set_status(2)


def test_limits_are_the_sdks(exporter) -> None:
    from otelbridge.sdk.trace import SpanLimits, TracerProvider
    from otelbridge.sdk.trace.export import SimpleSpanProcessor

    provider = TracerProvider(span_limits=SpanLimits(max_attributes=40), shutdown_on_exit=False)
    provider.add_span_processor(SimpleSpanProcessor(exporter))
    with tracer(provider).span("s") as span:
        for index in range(50):  # OpenCensus keeps 32
            span.add_attribute(f"k{index}", index)
    assert len(exporter.get_finished_spans()[0].attributes) == 40


def test_child_of_span_is_not_current_and_ends_with_finish(provider, exporter) -> None:
    t = tracer(provider)
    with t.span("parent") as parent:
        child = parent.span("child")
        assert t.current_span() is parent
        with child.span("grandchild"):
            pass
        child.finish()
    spans = spans_by_name(exporter)
    assert spans["child"].parent.span_id == spans["parent"].context.span_id
    assert spans["grandchild"].parent.span_id == spans["child"].context.span_id


def test_kind_set_late_on_another_sdk_is_warned_once(caplog) -> None:
    from opentelemetry.sdk.trace import TracerProvider as PeerProvider
    from opentelemetry.sdk.trace.export import SimpleSpanProcessor
    from opentelemetry.sdk.trace.export.in_memory_span_exporter import (
        InMemorySpanExporter as PeerExporter,
    )

    from otelbridge.shims.opencensus.trace import span as span_module

    span_module._kind_warned = False
    exporter = PeerExporter()
    provider = PeerProvider()
    provider.add_span_processor(SimpleSpanProcessor(exporter))
    t = tracer(provider)
    with caplog.at_level(logging.WARNING, "otelbridge.shims.opencensus"):
        for _ in range(2):
            with t.span("s") as span:
                span.span_kind = oc_span.SpanKind.CLIENT
    assert [r.message for r in caplog.records].count(caplog.records[0].message) == 1
    assert "span_kind" in caplog.records[0].message
    assert [s.kind for s in exporter.get_finished_spans()] == [SpanKind.INTERNAL] * 2
