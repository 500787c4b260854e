"""Our OTLP encoders against the reference encoders of opentelemetry-exporter-otlp-proto-common.

The same data goes through opentelemetry-sdk + the reference encoder and through our SDK + our
encoder; the decoded ``Export*ServiceRequest`` messages must be equal. Two documented
differences: the reference leaves out the W3C trace flags (``flags`` bits 0-7) and the trace state
of links, both of which the OTLP data model carries, so the test adds them to the reference.
"""

from __future__ import annotations

from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st
from opentelemetry.exporter.otlp.proto.common.trace_encoder import encode_spans as reference
from opentelemetry.proto.collector.trace.v1.trace_service_pb2 import ExportTraceServiceRequest
from opentelemetry.sdk import resources as sdk_resources
from opentelemetry.sdk import trace as sdk_trace
from opentelemetry.sdk.util.instrumentation import InstrumentationScope as SdkScope
from opentelemetry.trace import Link, SpanContext, SpanKind, Status, StatusCode, TraceFlags
from opentelemetry.trace.span import TraceState

from otelbridge.sdk import resources, trace
from otelbridge.sdk.export.otlp.proto.common.trace_encoder import encode_spans, serialize_spans
from otelbridge.sdk.trace import SpanLimits, TracerProvider
from otelbridge.sdk.trace.export import SimpleSpanProcessor
from otelbridge.sdk.trace.export.in_memory_span_exporter import InMemorySpanExporter
from otelbridge.sdk.util.instrumentation import InstrumentationScope

ALL_TYPES = {
    "str": "value",
    "unicode": "héllo ✓",
    "bool": True,
    "false": False,
    "int": 42,
    "big": 2**40,
    "negative": -7,
    "float": 3.25,
    "strs": ("a", "b"),
    "ints": (1, -2, 3),
    "floats": (0.5, 1.5),
    "bools": (True, False),
    "long": "x" * 300,
}


def complete_reference(request: ExportTraceServiceRequest, contexts: dict) -> None:
    for resource_spans in request.resource_spans:
        for scope_spans in resource_spans.scope_spans:
            for span in scope_spans.spans:
                span.flags |= contexts[span.span_id].trace_flags
                for link in span.links:
                    context = contexts[link.span_id]
                    link.flags |= context.trace_flags
                    if context.trace_state:
                        link.trace_state = context.trace_state.to_header()


def both(**fields: Any) -> tuple[Any, Any]:
    """The same span as our ``ReadableSpan`` and opentelemetry-sdk's."""
    return trace.ReadableSpan(**fields), sdk_trace.ReadableSpan(**convert(fields))


_SDK_RESOURCES: dict = {}
_SDK_SCOPES: dict = {}


def convert(fields: dict) -> dict:
    out = dict(fields)
    resource = fields.get("resource")
    if resource is not None:
        out["resource"] = _SDK_RESOURCES.setdefault(
            id(resource), sdk_resources.Resource(dict(resource.attributes), resource.schema_url)
        )
    scope = fields.get("instrumentation_scope")
    if scope is not None:
        out["instrumentation_scope"] = _SDK_SCOPES.setdefault(
            id(scope), SdkScope(scope.name, scope.version, scope.schema_url, dict(scope.attributes))
        )
    if "events" in fields:
        out["events"] = [
            sdk_trace.Event(e.name, e.attributes, e.timestamp) for e in fields["events"]
        ]
    return out


def assert_same(ours: list, theirs: list) -> None:
    expected = reference(theirs)
    complete_reference(expected, _contexts(theirs))
    assert encode_spans(ours) == expected


def _contexts(spans: list) -> dict:
    out = {}
    for span in spans:
        out[span.context.span_id.to_bytes(8, "big")] = span.context
        for link in span.links:
            out[link.context.span_id.to_bytes(8, "big")] = link.context
    return out


def test_rich_spans_across_resources_and_scopes_match_the_reference() -> None:
    web = resources.Resource({"service.name": "web", "k8s.pod": "p-1"}, "https://schema/1")
    db = resources.Resource({"service.name": "db"})
    http = InstrumentationScope("http", "2.0", "https://scope", {"scope.attr": 1})
    sql = InstrumentationScope("sql")
    remote_parent = SpanContext(0xAB, 0xCD, is_remote=True, trace_flags=TraceFlags(1))
    local_parent = SpanContext(0xAB, 0xCE, is_remote=False, trace_flags=TraceFlags(1))
    linked = SpanContext(
        0x1234,
        0x5678,
        is_remote=True,
        trace_flags=TraceFlags(0),
        trace_state=TraceState([("v", "1")]),
    )
    pairs = []
    for index, (resource, scope, parent) in enumerate(
        [(web, http, remote_parent), (web, sql, local_parent), (db, sql, None), (web, http, None)]
    ):
        pairs.append(
            both(
                name=f"span-{index}",
                context=SpanContext(
                    0xAB,
                    0x100 + index,
                    is_remote=False,
                    trace_flags=TraceFlags(1),
                    trace_state=TraceState([("vendor", "x"), ("other", "y")])
                    if index == 0
                    else None,
                ),
                parent=parent,
                resource=resource,
                attributes=ALL_TYPES,
                events=[
                    trace.Event("retry", {"attempt": 2, "why": "timeout"}, timestamp=1_000 + index)
                ],
                links=[Link(linked, {"link.kind": "follows"})],
                kind=list(SpanKind)[index],
                status=Status(StatusCode.ERROR, "boom") if index == 1 else Status(StatusCode.OK),
                start_time=1_700_000_000_000_000_000 + index,
                end_time=1_700_000_000_500_000_000 + index,
                instrumentation_scope=scope,
            )
        )
    ours, theirs = zip(*pairs)
    assert_same(list(ours), list(theirs))
    request = encode_spans(list(ours))
    assert [len(rs.scope_spans) for rs in request.resource_spans] == [2, 1]
    assert request.resource_spans[0].schema_url == "https://schema/1"


def test_dropped_counts_and_flags_of_real_spans() -> None:
    memory = InMemorySpanExporter()
    provider = TracerProvider(
        span_limits=SpanLimits(max_span_attributes=2, max_events=1, max_links=1)
    )
    provider.add_span_processor(SimpleSpanProcessor(memory))
    tracer = provider.get_tracer("limits")
    other = SpanContext(0x99, 0x98, is_remote=True, trace_flags=TraceFlags(1))
    span = tracer.start_span(
        "busy", attributes={"a": 1, "b": 2, "c": 3}, links=[Link(other), Link(other)]
    )
    span.add_event("one")
    span.add_event("two")
    span.end()
    (finished,) = memory.get_finished_spans()
    (encoded,) = encode_spans([finished]).resource_spans[0].scope_spans[0].spans
    assert (
        encoded.dropped_attributes_count,
        encoded.dropped_events_count,
        encoded.dropped_links_count,
    ) == (1, 1, 1)
    # bits 0-7: W3C flags (sampled); bit 8: "is remote" known; bit 9 clear: root span
    assert encoded.flags & 0x3FF == 0x100 | int(finished.context.trace_flags)
    assert encoded.links[0].flags & 0x300 == 0x300


def test_empty_batch_is_an_empty_request() -> None:
    assert serialize_spans([]) == b""


attribute_values = st.one_of(
    st.text(max_size=200),
    st.booleans(),
    st.integers(min_value=-(2**63), max_value=2**63 - 1),
    st.floats(allow_nan=False),
    st.lists(st.text(max_size=5), max_size=4).map(tuple),
    st.lists(st.integers(min_value=-(2**63), max_value=2**63 - 1), max_size=4).map(tuple),
    st.lists(st.floats(allow_nan=False), max_size=4).map(tuple),
)


@settings(max_examples=60, deadline=None)
@given(
    attributes=st.dictionaries(st.text(min_size=1, max_size=20), attribute_values, max_size=8),
    name=st.text(max_size=50),
)
def test_any_attributes_match_the_reference(attributes: dict, name: str) -> None:
    ours, theirs = both(
        name=name,
        context=SpanContext(7, 9, is_remote=False, trace_flags=TraceFlags(1)),
        attributes=attributes,
        start_time=1,
        end_time=2,
        resource=resources.Resource({"service.name": "prop"}),
        instrumentation_scope=InstrumentationScope("prop"),
    )
    assert_same([ours], [theirs])


def test_invalid_unicode_never_spoils_the_request(caplog):
    span = trace.ReadableSpan(
        name="bad \ud800 name",
        context=SpanContext(7, 9, is_remote=False, trace_flags=TraceFlags(1)),
        attributes={"ok": "fine", "broken": "x\udfffy", "bad\ud800key": 1},
        start_time=1,
        end_time=2,
        resource=resources.Resource({"service.name": "unicode"}),
    )
    (decoded,) = encode_spans([span]).resource_spans[0].scope_spans[0].spans
    assert decoded.name == "bad ? name"
    assert [(kv.key, kv.value.string_value) for kv in decoded.attributes] == [("ok", "fine")]
    assert "Dropping attribute 'broken'" in caplog.text
