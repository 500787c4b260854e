"""OTLP encoding of finished spans.

Mirrors ``opentelemetry.exporter.otlp.proto.common.trace_encoder``.

:func:`serialize_spans` returns the bytes of an ``ExportTraceServiceRequest``: spans grouped by
resource and then by instrumentation scope, resource and scope encodings reused across batches.
It accepts any span with the attributes of ``opentelemetry.sdk.trace.ReadableSpan``.
"""

from __future__ import annotations

import struct
from typing import Any, Sequence

from opentelemetry.proto.collector.trace.v1.trace_service_pb2 import ExportTraceServiceRequest
from opentelemetry.proto.trace.v1.trace_pb2 import ResourceSpans, ScopeSpans, Span, Status
from opentelemetry.trace import SpanKind

from otelbridge.sdk.export.otlp.proto.common._attributes import (
    encode_attributes,
    resource_body,
    scope_body,
)
from otelbridge.sdk.export.otlp.proto.common._wire import (
    length_delimited,
    pack_fixed32,
    pack_fixed64,
    tag,
    varint,
)

_RESOURCE_SPANS = tag(ExportTraceServiceRequest, "resource_spans")
_RS_RESOURCE = tag(ResourceSpans, "resource")
_RS_SCOPE_SPANS = tag(ResourceSpans, "scope_spans")
_RS_SCHEMA_URL = tag(ResourceSpans, "schema_url")
_SS_SCOPE = tag(ScopeSpans, "scope")
_SS_SPANS = tag(ScopeSpans, "spans")
_SS_SCHEMA_URL = tag(ScopeSpans, "schema_url")

_TRACE_ID = tag(Span, "trace_id") + b"\x10"  # ids have fixed lengths: 16 and 8 bytes
_SPAN_ID = tag(Span, "span_id") + b"\x08"
_TRACE_STATE = tag(Span, "trace_state")
_PARENT_SPAN_ID = tag(Span, "parent_span_id") + b"\x08"
_NAME = tag(Span, "name")
_ATTRIBUTES = tag(Span, "attributes")
_DROPPED_ATTRIBUTES = tag(Span, "dropped_attributes_count")
_EVENTS = tag(Span, "events")
_DROPPED_EVENTS = tag(Span, "dropped_events_count")
_LINKS = tag(Span, "links")
_DROPPED_LINKS = tag(Span, "dropped_links_count")
_FLAGS = tag(Span, "flags")
_START = tag(Span, "start_time_unix_nano")
_END = tag(Span, "end_time_unix_nano")
_pack_times = struct.Struct(f"<{len(_START)}sQ{len(_END)}sQ").pack

_EVENT_TIME = tag(Span.Event, "time_unix_nano")
_EVENT_NAME = tag(Span.Event, "name")
_EVENT_ATTRIBUTES = tag(Span.Event, "attributes")
_EVENT_DROPPED = tag(Span.Event, "dropped_attributes_count")
_LINK_TRACE_ID = tag(Span.Link, "trace_id") + b"\x10"
_LINK_SPAN_ID = tag(Span.Link, "span_id") + b"\x08"
_LINK_TRACE_STATE = tag(Span.Link, "trace_state")
_LINK_ATTRIBUTES = tag(Span.Link, "attributes")
_LINK_DROPPED = tag(Span.Link, "dropped_attributes_count")
_LINK_FLAGS = tag(Span.Link, "flags")

# SpanFlags: bits 0-7 are the W3C trace flags; bit 8 says whether bit 9 (parent is remote) is known.
_HAS_IS_REMOTE = 0x100
_IS_REMOTE = 0x200
# Encoded flags fields indexed by ``is_remote << 8 | trace_flags``.
_SPAN_FLAGS = [
    _FLAGS + pack_fixed32(_HAS_IS_REMOTE | (i >> 8) * _IS_REMOTE | i & 0xFF) for i in range(512)
]
_LINK_FLAGS_FIELDS = [
    _LINK_FLAGS + pack_fixed32(_HAS_IS_REMOTE | (i >> 8) * _IS_REMOTE | i & 0xFF)
    for i in range(512)
]
_KINDS = {kind: tag(Span, "kind") + varint(kind.value + 1) for kind in SpanKind}
_STATUS = tag(Span, "status")
_STATUS_MESSAGE = tag(Status, "message")
_STATUS_CODE = tag(Status, "code")
# The reference exporter always writes a status; so do we, and the common ones are constants.
_STATUS_FIELDS = [
    length_delimited(_STATUS, _STATUS_CODE + varint(c) if c else b"") for c in range(3)
]


def _encode_status(status: Any) -> bytes:
    code: int = status.status_code.value
    description = status.description
    if not description:
        return _STATUS_FIELDS[code]
    body = length_delimited(_STATUS_MESSAGE, description.encode())
    return length_delimited(_STATUS, body + (_STATUS_CODE + varint(code) if code else b""))


def _encode_events(events: Sequence[Any]) -> bytes:
    out = []
    for event in events:
        body = _EVENT_TIME + pack_fixed64(event.timestamp or 0)
        body += length_delimited(_EVENT_NAME, event.name.encode())
        body += encode_attributes(event.attributes, _EVENT_ATTRIBUTES)
        if event.dropped_attributes:
            body += _EVENT_DROPPED + varint(event.dropped_attributes)
        out.append(length_delimited(_EVENTS, body))
    return b"".join(out)


def _encode_links(links: Sequence[Any]) -> bytes:
    out = []
    for link in links:
        context = link.context
        body = (
            _LINK_TRACE_ID
            + context.trace_id.to_bytes(16, "big")
            + _LINK_SPAN_ID
            + context.span_id.to_bytes(8, "big")
        )
        if context.trace_state:
            body += length_delimited(_LINK_TRACE_STATE, context.trace_state.to_header().encode())
        body += encode_attributes(link.attributes, _LINK_ATTRIBUTES)
        if link.dropped_attributes:
            body += _LINK_DROPPED + varint(link.dropped_attributes)
        body += _LINK_FLAGS_FIELDS[context.is_remote << 8 | context.trace_flags]
        out.append(length_delimited(_LINKS, body))
    return b"".join(out)


def encode_span(span: Any) -> bytes:
    """One span as a ``ScopeSpans.spans`` field."""
    context = span.context
    parent = span.parent
    parts = [
        _TRACE_ID,
        context.trace_id.to_bytes(16, "big"),
        _SPAN_ID,
        context.span_id.to_bytes(8, "big"),
        length_delimited(_NAME, span.name.encode()),
        _KINDS[span.kind],
        _pack_times(_START, span.start_time or 0, _END, span.end_time or 0),
    ]
    if parent is None:
        parts.append(_SPAN_FLAGS[context.trace_flags])
    else:
        parts.append(_PARENT_SPAN_ID)
        parts.append(parent.span_id.to_bytes(8, "big"))
        parts.append(_SPAN_FLAGS[parent.is_remote << 8 | context.trace_flags])
    if context.trace_state:
        parts.append(length_delimited(_TRACE_STATE, context.trace_state.to_header().encode()))
    attributes = span.attributes
    if attributes:
        parts.append(encode_attributes(attributes, _ATTRIBUTES))
    if span.events:
        parts.append(_encode_events(span.events))
    if span.links:
        parts.append(_encode_links(span.links))
    parts.append(_encode_status(span.status))
    dropped = span.dropped_attributes
    if dropped:
        parts.append(_DROPPED_ATTRIBUTES + varint(dropped))
    dropped = span.dropped_events
    if dropped:
        parts.append(_DROPPED_EVENTS + varint(dropped))
    dropped = span.dropped_links
    if dropped:
        parts.append(_DROPPED_LINKS + varint(dropped))
    return length_delimited(_SS_SPANS, b"".join(parts))


def serialize_spans(spans: Sequence[Any]) -> bytes:
    """The serialized ``ExportTraceServiceRequest`` for ``spans``."""
    # resource id -> (resource, {scope id -> (scope, [encoded span, ...])})
    groups: dict[int, tuple[Any, dict[int, tuple[Any, list[bytes]]]]] = {}
    last_resource = last_scope = current = None
    for span in spans:
        resource = span.resource
        scope = span.instrumentation_scope
        if current is None or resource is not last_resource or scope is not last_scope:
            scopes = groups.setdefault(id(resource), (resource, {}))[1]
            current = scopes.setdefault(id(scope), (scope, []))[1]
            last_resource, last_scope = resource, scope
        current.append(encode_span(span))
    out = []
    for resource, scopes in groups.values():
        body = [length_delimited(_RS_RESOURCE, resource_body(resource))]
        for scope, encoded in scopes.values():
            scope_spans = length_delimited(_SS_SCOPE, scope_body(scope)) + b"".join(encoded)
            schema_url = getattr(scope, "schema_url", None)
            if schema_url:
                scope_spans += length_delimited(_SS_SCHEMA_URL, schema_url.encode())
            body.append(length_delimited(_RS_SCOPE_SPANS, scope_spans))
        if resource.schema_url:
            body.append(length_delimited(_RS_SCHEMA_URL, resource.schema_url.encode()))
        out.append(length_delimited(_RESOURCE_SPANS, b"".join(body)))
    return b"".join(out)


def encode_spans(spans: Sequence[Any]) -> ExportTraceServiceRequest:
    """The request as a generated message, like the reference ``encode_spans`` returns."""
    return ExportTraceServiceRequest.FromString(serialize_spans(spans))
