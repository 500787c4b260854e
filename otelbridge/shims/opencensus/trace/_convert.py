"""OpenCensus values in OpenTelemetry terms: status, span kind, times, links, message events and
span contexts.

OpenCensus keeps ids as lowercase hex strings and times as ISO-8601 UTC strings
(``2024-01-02T03:04:05.678901Z``, from ``datetime.utcnow()``); OpenTelemetry keeps integers and
nanoseconds since the epoch. Times are read as UTC whatever the local time zone (the published
OpenTelemetry shim shifts them by the local offset).
"""

from __future__ import annotations

import calendar
import datetime
from typing import Any, Dict, Optional

from opencensus.trace import link as oc_link
from opencensus.trace import span as oc_span
from opencensus.trace import time_event
from opencensus.trace.span_context import SpanContext as OcSpanContext
from opencensus.trace.trace_options import TraceOptions
from opencensus.trace.tracestate import Tracestate
from opentelemetry.trace import SpanContext, SpanKind, TraceFlags, TraceState
from opentelemetry.trace.status import Status, StatusCode

from otelbridge.shims._values import attributes

__all__ = [
    "LINK_TYPE_ATTRIBUTE",
    "MESSAGE_COMPRESSED_ATTRIBUTE",
    "MESSAGE_TYPE_ATTRIBUTE",
    "MESSAGE_UNCOMPRESSED_ATTRIBUTE",
    "link_context",
    "message_event",
    "oc_span_context",
    "otel_kind",
    "otel_span_context",
    "otel_status",
    "timestamp_ns",
]

#: Attribute keys of the events and links converted from OpenCensus (as the Java shim names them;
#: OpenTelemetry has no link type).
MESSAGE_TYPE_ATTRIBUTE = "message.event.type"
MESSAGE_UNCOMPRESSED_ATTRIBUTE = "message.event.size.uncompressed"
MESSAGE_COMPRESSED_ATTRIBUTE = "message.event.size.compressed"
LINK_TYPE_ATTRIBUTE = "opencensus.link.type"

_KINDS = {
    oc_span.SpanKind.SERVER: SpanKind.SERVER,
    oc_span.SpanKind.CLIENT: SpanKind.CLIENT,
}
_MESSAGE_TYPES = {
    time_event.Type.SENT: "SENT",
    time_event.Type.RECEIVED: "RECEIVED",
}
_LINK_TYPES = {
    oc_link.Type.CHILD_LINKED_SPAN: "CHILD_LINKED_SPAN",
    oc_link.Type.PARENT_LINKED_SPAN: "PARENT_LINKED_SPAN",
}
_STATUS_OK = Status(StatusCode.OK)
# Enum members bound once: reading one from its class costs a descriptor call each time.
_INTERNAL = SpanKind.INTERNAL
_ERROR = StatusCode.ERROR
_ISO_FORMATS = ("%Y-%m-%dT%H:%M:%S.%fZ", "%Y-%m-%dT%H:%M:%SZ")


def otel_kind(kind: Any) -> SpanKind:
    """OpenCensus ``SpanKind`` (0 unspecified, 1 server, 2 client) as OpenTelemetry's; unspecified
    and unknown values are INTERNAL."""
    return _KINDS.get(kind, _INTERNAL)


def otel_status(status: Any) -> Status:
    """Code 0 is OK; any other canonical code is ERROR with the status' message (a raw cast, as
    Go's bridge does, would turn OK into UNSET and UNKNOWN into OK)."""
    if status.canonical_code == 0:
        return _STATUS_OK
    description = status.description
    return Status(_ERROR, None if description is None else str(description))


def timestamp_ns(value: Any) -> Optional[int]:
    """Nanoseconds since the epoch of an OpenCensus time: an ISO-8601 UTC string or a datetime
    (naive ones are UTC, as OpenCensus makes them). None when it cannot be read."""
    if isinstance(value, datetime.datetime):
        moment = value
    elif isinstance(value, str):
        for pattern in _ISO_FORMATS:
            try:
                moment = datetime.datetime.strptime(value, pattern)
                break
            except ValueError:
                continue
        else:
            return None
    else:
        return None
    if moment.tzinfo is not None:
        moment = moment.astimezone(datetime.timezone.utc).replace(tzinfo=None)
    seconds = calendar.timegm(moment.timetuple())
    return seconds * 1_000_000_000 + moment.microsecond * 1_000


def message_event(event: Any) -> tuple[str, Dict[str, Any], Optional[int]]:
    """(event name, attributes, timestamp) for an OpenCensus ``MessageEvent``: named by the
    message id, with its type and sizes as attributes, at its own time."""
    fields: Dict[str, Any] = {
        MESSAGE_TYPE_ATTRIBUTE: _MESSAGE_TYPES.get(event.type, "TYPE_UNSPECIFIED")
    }
    if event.uncompressed_size_bytes is not None:
        fields[MESSAGE_UNCOMPRESSED_ATTRIBUTE] = event.uncompressed_size_bytes
    if event.compressed_size_bytes is not None:
        fields[MESSAGE_COMPRESSED_ATTRIBUTE] = event.compressed_size_bytes
    return str(event.id), attributes(fields), timestamp_ns(event.timestamp)


def link_context(link: Any) -> tuple[Optional[SpanContext], Dict[str, Any]]:
    """The linked span context (None if its ids are not hex) and the link's attributes, with its
    type under :data:`LINK_TYPE_ATTRIBUTE`."""
    try:
        context = SpanContext(int(link.trace_id, 16), int(link.span_id, 16), is_remote=True)
    except (TypeError, ValueError):
        context = None
    fields = attributes(dict(link.attributes or {}))
    fields[LINK_TYPE_ATTRIBUTE] = _LINK_TYPES.get(link.type, "TYPE_UNSPECIFIED")
    return context, fields


def otel_span_context(context: Any) -> Optional[SpanContext]:
    """The remote OpenTelemetry span context of an OpenCensus ``SpanContext`` with both ids, with
    its sampled flag and tracestate; None when it has no span id (a new trace)."""
    try:
        trace_id = int(context.trace_id, 16)
        span_id = int(context.span_id, 16)
    except (TypeError, ValueError):
        return None
    if not trace_id or not span_id:
        return None
    options = context.trace_options
    sampled = options is not None and options.get_enabled()
    state = context.tracestate
    return SpanContext(
        trace_id,
        span_id,
        is_remote=True,
        trace_flags=TraceFlags(TraceFlags.SAMPLED if sampled else TraceFlags.DEFAULT),
        trace_state=TraceState(list(state.items())) if state else None,
    )


def oc_span_context(context: Optional[SpanContext]) -> OcSpanContext:
    """An OpenCensus ``SpanContext`` continuing ``context`` (``from_header=True``), or a new trace
    when ``context`` is None or invalid."""
    if context is None or not context.is_valid:
        return OcSpanContext()
    state = Tracestate()
    for key, value in context.trace_state.items():
        state[key] = value
    return OcSpanContext(
        trace_id=f"{context.trace_id:032x}",
        span_id=f"{context.span_id:016x}",
        trace_options=TraceOptions("1" if context.trace_flags.sampled else "0"),
        tracestate=state or None,
        from_header=True,
    )
