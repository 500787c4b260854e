"""OTLP encoding of finished spans.

Mirrors ``opentelemetry.exporter.otlp.proto.common.trace_encoder``.

:func:`serialize_spans` returns the bytes of an ``ExportTraceServiceRequest``: spans grouped by
resource and then by instrumentation scope, resource and scope encodings reused across batches.
It accepts any span with the attributes of ``opentelemetry.sdk.trace.ReadableSpan``.
"""

from __future__ import annotations

import struct
from operator import attrgetter
from typing import TYPE_CHECKING, Callable, Optional, Sequence

from opentelemetry.proto.collector.trace.v1.trace_service_pb2 import ExportTraceServiceRequest
from opentelemetry.proto.trace.v1.trace_pb2 import ResourceSpans, ScopeSpans, Span, Status
from opentelemetry.trace import SpanKind

from otelbridge.sdk.export.otlp.proto.common._attributes import (
    _cached,
    encode_attributes,
    resource_body,
    scope_body,
)
from otelbridge.sdk.export.otlp.proto.common._wire import (
    SMALL_VARINTS,
    length_delimited,
    pack_fixed32,
    pack_fixed64,
    tag,
    utf8,
    varint,
)
from otelbridge.sdk.trace import ReadableSpan

if TYPE_CHECKING:
    from opentelemetry.trace import Link, SpanContext
    from opentelemetry.trace import Status as SpanStatus
    from opentelemetry.util.types import Attributes

    from otelbridge.sdk.export._types import EventData, FinishedSpan, ResourceData, ScopeData

    # The types at the positions of _FIELDS. ``attrgetter`` is typed as returning a tuple of
    # unknown types, which this alias narrows: an exported span has a context (the
    # Protocol's ``Optional`` is for spans built by hand).
    SpanFields = tuple[
        str,
        SpanContext,
        Optional[SpanContext],
        SpanKind,
        Optional[int],
        Optional[int],
        Attributes,
        Sequence[EventData],
        Sequence[Link],
        SpanStatus,
        int,
        int,
        int,
        ResourceData,
        Optional[ScopeData],
    ]

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
# Indexed by the API's SpanKind value; OTLP numbers kinds from 1.
_KINDS = [
    tag(Span, "kind") + varint(kind.value + 1) for kind in sorted(SpanKind, key=lambda k: k.value)
]
_STATUS = tag(Span, "status")
_STATUS_MESSAGE = tag(Status, "message")
_STATUS_CODE = tag(Status, "code")
# The reference exporter always writes a status; so do we, and the common ones are constants.
_STATUS_FIELDS = [
    length_delimited(_STATUS, _STATUS_CODE + varint(c) if c else b"") for c in range(3)
]


def _encode_status(status: SpanStatus) -> bytes:
    code: int = status.status_code.value
    description = status.description
    if not description:
        return _STATUS_FIELDS[code]
    body = length_delimited(_STATUS_MESSAGE, utf8(description))
    return length_delimited(_STATUS, body + (_STATUS_CODE + varint(code) if code else b""))


def _encode_events(events: Sequence[EventData]) -> bytes:
    out = []
    for event in events:
        body = _EVENT_TIME + pack_fixed64(event.timestamp or 0)
        body += length_delimited(_EVENT_NAME, utf8(event.name))
        body += encode_attributes(event.attributes, _EVENT_ATTRIBUTES)
        if event.dropped_attributes:
            body += _EVENT_DROPPED + varint(event.dropped_attributes)
        out.append(length_delimited(_EVENTS, body))
    return b"".join(out)


def _encode_links(links: Sequence[Link]) -> bytes:
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
            body += length_delimited(_LINK_TRACE_STATE, utf8(context.trace_state.to_header()))
        body += encode_attributes(link.attributes, _LINK_ATTRIBUTES)
        if link.dropped_attributes:
            body += _LINK_DROPPED + varint(link.dropped_attributes)
        body += _LINK_FLAGS_FIELDS[context.is_remote << 8 | context.trace_flags]
        out.append(length_delimited(_LINKS, body))
    return b"".join(out)


# What a span is made of, read in one C call: public properties for any ReadableSpan-like
# object, the slots directly for our own SDK's spans (same values, no property calls).
_FIELDS = (
    "name",
    "context",
    "parent",
    "kind",
    "start_time",
    "end_time",
    "attributes",
    "events",
    "links",
    "status",
    "dropped_attributes",
    "dropped_events",
    "dropped_links",
    "resource",
    "instrumentation_scope",
)
_RESOURCE_AT, _SCOPE_AT = _FIELDS.index("resource"), _FIELDS.index("instrumentation_scope")
_PROPERTIES = attrgetter(*_FIELDS)
_SLOTS = attrgetter(*(f"_{name}" for name in _FIELDS))
_getters: dict[type, Callable[[FinishedSpan], SpanFields]] = {}


def _getter(span_type: type) -> Callable[[FinishedSpan], SpanFields]:
    getter = _getters.get(span_type)
    if getter is None:
        getter = _getters[span_type] = (
            _SLOTS if issubclass(span_type, ReadableSpan) else _PROPERTIES
        )
    return getter


def _name_field(name: str) -> bytes:
    field = _names.get(name)
    if field is None:
        if len(_names) >= 1024:
            _names.clear()
        field = _names[name] = length_delimited(_NAME, utf8(name))
    return field


_names: dict[str, bytes] = {}
_statuses: dict[int, tuple[SpanStatus, bytes]] = {}


def encode_span(span: FinishedSpan) -> bytes:
    """One span as a ``ScopeSpans.spans`` field."""
    return _encode_fields(_getter(type(span))(span))


def _encode_fields(fields: SpanFields) -> bytes:
    (
        name,
        context,
        parent,
        kind,
        start,
        end,
        attributes,
        events,
        links,
        status,
        dropped_attributes,
        dropped_events,
        dropped_links,
        _,
        _,
    ) = fields
    entry = _statuses.get(id(status))
    parts = [
        _TRACE_ID,
        context.trace_id.to_bytes(16, "big"),
        _SPAN_ID,
        context.span_id.to_bytes(8, "big"),
        _names.get(name) or _name_field(name),
        _KINDS[kind._value_],
        _pack_times(_START, start or 0, _END, end or 0),
        entry[1]
        if entry is not None and entry[0] is status
        else _cached(_statuses, status, _encode_status),
    ]
    if parent is None:
        parts.append(_SPAN_FLAGS[context.trace_flags])
    else:
        parts.append(_PARENT_SPAN_ID)
        parts.append(parent.span_id.to_bytes(8, "big"))
        parts.append(_SPAN_FLAGS[parent.is_remote << 8 | context.trace_flags])
    if context.trace_state:
        parts.append(length_delimited(_TRACE_STATE, utf8(context.trace_state.to_header())))
    if attributes:
        parts.append(encode_attributes(attributes, _ATTRIBUTES))
    if events:
        parts.append(_encode_events(events))
    if links:
        parts.append(_encode_links(links))
    if dropped_attributes:
        parts.append(_DROPPED_ATTRIBUTES + varint(dropped_attributes))
    if dropped_events:
        parts.append(_DROPPED_EVENTS + varint(dropped_events))
    if dropped_links:
        parts.append(_DROPPED_LINKS + varint(dropped_links))
    body = b"".join(parts)
    size = len(body)
    return _SS_SPANS + (SMALL_VARINTS[size] if size < 16384 else varint(size)) + body


def serialize_spans(spans: Sequence[FinishedSpan]) -> bytes:
    """The serialized ``ExportTraceServiceRequest`` for ``spans``."""
    # resource id -> (resource, {scope id -> (scope, [encoded span, ...])})
    groups: dict[int, tuple[ResourceData, dict[int, tuple[Optional[ScopeData], list[bytes]]]]] = {}
    last_resource = last_scope = current = None
    resource: ResourceData
    scope: Optional[ScopeData]
    getters, resource_at, scope_at = _getters, _RESOURCE_AT, _SCOPE_AT
    for span in spans:
        fields = (getters.get(type(span)) or _getter(type(span)))(span)
        # mypy reads the named positions as plain ints, so as any field's type
        resource, scope = fields[resource_at], fields[scope_at]  # type: ignore[assignment]
        if current is None or resource is not last_resource or scope is not last_scope:
            scopes = groups.setdefault(id(resource), (resource, {}))[1]
            current = scopes.setdefault(id(scope), (scope, []))[1]
            last_resource, last_scope = resource, scope
        current.append(_encode_fields(fields))
    out = []
    for resource, scopes in groups.values():
        body = [length_delimited(_RS_RESOURCE, resource_body(resource))]
        for scope, encoded in scopes.values():
            scope_spans = length_delimited(_SS_SCOPE, scope_body(scope)) + b"".join(encoded)
            schema_url = getattr(scope, "schema_url", None)
            if schema_url:
                scope_spans += length_delimited(_SS_SCHEMA_URL, utf8(schema_url))
            body.append(length_delimited(_RS_SCOPE_SPANS, scope_spans))
        if resource.schema_url:
            body.append(length_delimited(_RS_SCHEMA_URL, utf8(resource.schema_url)))
        out.append(length_delimited(_RESOURCE_SPANS, b"".join(body)))
    return b"".join(out)


def encode_spans(spans: Sequence[FinishedSpan]) -> ExportTraceServiceRequest:
    """The request as a generated message, like the reference ``encode_spans`` returns."""
    return ExportTraceServiceRequest.FromString(serialize_spans(spans))
