"""SpanShim: tags, logs, errors, timestamps and baggage, checked on the exported spans."""

from __future__ import annotations

import logging
from concurrent.futures import ThreadPoolExecutor

from hypothesis import given, settings
from hypothesis import strategies as st
from opentelemetry.trace import SpanKind, StatusCode

from otelbridge.sdk.trace import TracerProvider
from otelbridge.sdk.trace.export import SimpleSpanProcessor
from otelbridge.sdk.trace.sampling import Decision, Sampler, SamplingResult
from otelbridge.shims.opentracing import TRACER_NAME, SpanContextShim, TracerShim
from otelbridge.version import __version__


def only_span(exporter):
    (span,) = exporter.get_finished_spans()
    return span


def test_tracer_is_named_per_specification(tracer, exporter) -> None:
    tracer.start_span("op").finish()
    scope = only_span(exporter).instrumentation_scope
    assert (
        (scope.name, scope.version)
        == (TRACER_NAME, __version__)
        == ("opentracing-shim", __version__)
    )


def test_initial_tags_are_attributes_at_creation_and_kind_maps(tracer, exporter) -> None:
    span = tracer.start_span("rpc", tags={"span.kind": "client", "peer.port": 80, "ok": True})
    assert span.unwrap().attributes["peer.port"] == 80  # present before any set_tag
    span.finish()
    recorded = only_span(exporter)
    assert recorded.kind is SpanKind.CLIENT
    assert dict(recorded.attributes) == {"span.kind": "client", "peer.port": 80, "ok": True}


def test_initial_tags_are_visible_to_the_sampler(exporter) -> None:

    class DropHealthChecks(Sampler):
        def should_sample(
            self, parent_context, trace_id, name, kind=None, attributes=None, links=None
        ):
            keep = (attributes or {}).get("http.url") != "/health"
            return SamplingResult(Decision.RECORD_AND_SAMPLE if keep else Decision.DROP)

        def get_description(self) -> str:
            return "DropHealthChecks"

    provider = TracerProvider(sampler=DropHealthChecks(), shutdown_on_exit=False)
    provider.add_span_processor(SimpleSpanProcessor(exporter))
    tracer = TracerShim(provider)
    tracer.start_span("a", tags={"http.url": "/health"}).finish()
    tracer.start_span("b", tags={"http.url": "/orders"}).finish()
    assert [span.name for span in exporter.get_finished_spans()] == ["b"]


def test_server_consumer_producer_kinds(tracer, exporter) -> None:
    for kind in ("server", "consumer", "producer", "bogus"):
        tracer.start_span(kind, tags={"span.kind": kind}).finish()
    kinds = {span.name: span.kind for span in exporter.get_finished_spans()}
    assert kinds == {
        "server": SpanKind.SERVER,
        "consumer": SpanKind.CONSUMER,
        "producer": SpanKind.PRODUCER,
        "bogus": SpanKind.INTERNAL,
    }


def test_error_tag_maps_to_status(tracer, exporter) -> None:
    tracer.start_span("initial", tags={"error": True}).finish()
    tracer.start_span("set-true").set_tag("error", True).finish()
    tracer.start_span("set-false").set_tag("error", False).finish()
    tracer.start_span("string").set_tag("error", "true").finish()
    tracer.start_span("unset").set_tag("other", 1).finish()
    status = {span.name: span.status.status_code for span in exporter.get_finished_spans()}
    assert status == {
        "initial": StatusCode.ERROR,
        "set-true": StatusCode.ERROR,
        "set-false": StatusCode.OK,
        "string": StatusCode.ERROR,
        "unset": StatusCode.UNSET,
    }


def test_unsupported_tag_values_become_strings(tracer, exporter, caplog) -> None:
    class Custom:
        def __str__(self) -> str:
            return "custom!"

    span = tracer.start_span("t", tags={"obj": Custom(), 7: "int key"})
    span.set_tag("dict", {"a": 1}).set_tag("list", [1, 2]).set_tag("mixed", [1, "a"])
    with caplog.at_level(logging.WARNING):
        span.set_tag("none", None)
    span.finish()
    attributes = dict(only_span(exporter).attributes)
    assert attributes == {
        "obj": "custom!",
        "7": "int key",
        "dict": "{'a': 1}",
        "list": (1, 2),
        "mixed": "[1, 'a']",
    }
    assert "None" in caplog.text


@settings(max_examples=50, deadline=None)
@given(
    st.recursive(
        st.none() | st.integers() | st.floats() | st.text() | st.binary(),
        lambda c: st.lists(c) | st.dictionaries(st.text(), c),
        max_leaves=5,
    )
)
def test_any_tag_or_log_value_is_accepted(value) -> None:

    span = TracerShim(TracerProvider(shutdown_on_exit=False)).start_span("fuzz")
    assert span.set_tag("k", value) is span
    assert span.set_tag(value if isinstance(value, (int, float)) else 0, "key fuzz") is span
    assert span.log_kv({"event": "e", "v": value}) is span
    span.finish()


def test_log_kv_names_events_and_converts_timestamps(tracer, exporter) -> None:
    span = tracer.start_span("logs")
    span.log_kv({"event": "cache miss", "key": "users/1"}, timestamp=1700000000.5)
    span.log_kv({"size": 3})
    span.log_event("legacy", payload={"a": 1}).log(event="older", timestamp=1700000001.0)
    span.finish()
    events = only_span(exporter).events
    assert [event.name for event in events] == ["cache miss", "log", "legacy", "older"]
    assert events[0].timestamp == 1_700_000_000_500_000_000
    assert dict(events[0].attributes) == {"key": "users/1"}
    assert dict(events[1].attributes) == {"size": 3}
    assert dict(events[2].attributes) == {"payload": "{'a': 1}"}
    assert events[3].timestamp == 1_700_000_001_000_000_000


def test_error_log_with_exception_object_records_exception(tracer, exporter) -> None:
    try:
        raise ValueError("boom")
    except ValueError as exc:
        error = exc
    tracer.start_span("e").log_kv({"event": "error", "error.object": error, "where": "db"}).finish()
    (event,) = only_span(exporter).events
    assert event.name == "exception"
    assert event.attributes["exception.type"] == "ValueError"
    assert event.attributes["exception.message"] == "boom"
    assert event.attributes["where"] == "db"


def test_error_log_without_exception_maps_fields(tracer, exporter) -> None:
    tracer.start_span("e").log_kv(
        {"event": "error", "error.kind": "Timeout", "message": "slow", "stack": "a\nb", "x": 1}
    ).finish()
    (event,) = only_span(exporter).events
    assert event.name == "exception"
    assert dict(event.attributes) == {
        "exception.type": "Timeout",
        "exception.message": "slow",
        "exception.stacktrace": "a\nb",
        "x": 1,
    }


def test_exception_in_span_context_manager_is_recorded(tracer, exporter) -> None:
    try:
        with tracer.start_span("failing"):
            raise KeyError("missing")
    except KeyError:
        pass
    span = only_span(exporter)
    assert span.status.status_code is StatusCode.ERROR
    (event,) = span.events
    assert event.name == "exception"
    assert event.attributes["exception.type"] == "KeyError"
    assert "test_span.py" in event.attributes["exception.stacktrace"]


def test_explicit_start_and_finish_times_are_float_seconds(tracer, exporter) -> None:
    tracer.start_span("timed", start_time=1700000000.25).finish(finish_time=1700000001.75)
    span = only_span(exporter)
    assert span.start_time == 1_700_000_000_250_000_000
    assert span.end_time == 1_700_000_001_750_000_000


def test_set_operation_name_renames_and_chains(tracer, exporter) -> None:
    span = tracer.start_span("before")
    assert span.set_operation_name("after") is span
    span.finish()
    assert only_span(exporter).name == "after"


def test_baggage_is_chainable_and_context_immutable(tracer) -> None:
    span = tracer.start_span("b")
    before = span.context
    assert span.set_baggage_item("user", "42").set_baggage_item("tier", "gold") is span
    assert isinstance(span.context, SpanContextShim)
    assert span.context is not before
    assert dict(before.baggage) == {}
    assert dict(span.context.baggage) == {"user": "42", "tier": "gold"}
    assert span.get_baggage_item("user") == "42"
    assert span.get_baggage_item("absent") is None
    try:
        span.context.baggage["x"] = "y"  # type: ignore[index]
    except TypeError:
        pass
    else:
        raise AssertionError("baggage must be read-only")
    assert span.context.unwrap() == before.unwrap()


def test_concurrent_baggage_updates_lose_nothing(tracer) -> None:

    span = tracer.start_span("b")
    with ThreadPoolExecutor(max_workers=4) as pool:
        list(pool.map(lambda i: span.set_baggage_item(f"k{i}", str(i)), range(200)))
    assert len(span.context.baggage) == 200


def test_close_shuts_the_provider_down_and_swallows_errors(exporter) -> None:
    class Failing:
        def get_tracer(self, *args, **kwargs):
            from opentelemetry.trace import NoOpTracer

            return NoOpTracer()

        def shutdown(self) -> None:
            raise RuntimeError("exporter unreachable")

    TracerShim(Failing()).close()  # does not raise

    provider = TracerProvider(shutdown_on_exit=False)
    provider.add_span_processor(SimpleSpanProcessor(exporter))
    shim = TracerShim(provider)
    shim.close()
    shim.start_span("after close").finish()
    assert exporter.get_finished_spans() == ()
