"""An ended OpenTelemetry span as OpenCensus' ``SpanData``, for the application's own exporters.

OpenCensus' exporters are replaced by OpenTelemetry's (:mod:`.exporters`), but an exporter class
the application wrote (a test's capturing exporter, an in-house backend's) has no replacement:
it keeps receiving the spans of the tracers given it, each converted back to the ``SpanData``
OpenCensus would have exported: hex ids, ISO-8601 UTC times, annotations and message events
(events converted from them come back as such), links with their type, the status (OK unless
an error was set, as OpenCensus spans start), and the kind.
"""

from __future__ import annotations

import datetime
from typing import Any, List, Optional

from opencensus.trace import attributes as oc_attributes
from opencensus.trace import link as oc_link
from opencensus.trace import span as oc_span
from opencensus.trace import status as oc_status
from opencensus.trace import time_event
from opencensus.trace.span_context import SpanContext as OcSpanContext
from opencensus.trace.span_data import SpanData
from opencensus.trace.trace_options import TraceOptions
from opentelemetry.trace import SpanKind, StatusCode

from otelbridge.shims.opencensus.trace._convert import (
    LINK_TYPE_ATTRIBUTE,
    MESSAGE_COMPRESSED_ATTRIBUTE,
    MESSAGE_TYPE_ATTRIBUTE,
    MESSAGE_UNCOMPRESSED_ATTRIBUTE,
)

__all__ = ["span_data"]

_KINDS = {SpanKind.SERVER: oc_span.SpanKind.SERVER, SpanKind.CLIENT: oc_span.SpanKind.CLIENT}
_MESSAGE_TYPES = {"SENT": time_event.Type.SENT, "RECEIVED": time_event.Type.RECEIVED}
_LINK_TYPES = {
    "CHILD_LINKED_SPAN": oc_link.Type.CHILD_LINKED_SPAN,
    "PARENT_LINKED_SPAN": oc_link.Type.PARENT_LINKED_SPAN,
}
#: OpenCensus' canonical code for an error without a finer one.
_UNKNOWN = 2


def span_data(span: Any) -> SpanData:
    """The ``SpanData`` of the ended OpenTelemetry SDK span ``span``."""
    context = span.context
    trace_id = f"{context.trace_id:032x}"
    parent = span.parent
    annotations: List[Any] = []
    message_events: List[Any] = []
    for event in span.events:
        fields = dict(event.attributes or {})
        moment = _datetime(event.timestamp)
        kind = fields.pop(MESSAGE_TYPE_ATTRIBUTE, None)
        if kind is None:
            annotations.append(
                time_event.Annotation(moment, event.name, oc_attributes.Attributes(fields))
            )
            continue
        message_events.append(
            time_event.MessageEvent(
                moment,
                event.name,
                _MESSAGE_TYPES.get(kind, time_event.Type.TYPE_UNSPECIFIED),
                fields.get(MESSAGE_UNCOMPRESSED_ATTRIBUTE),
                fields.get(MESSAGE_COMPRESSED_ATTRIBUTE),
            )
        )
    links = []
    for link in span.links:
        fields = dict(link.attributes or {})
        kind = fields.pop(LINK_TYPE_ATTRIBUTE, None)
        links.append(
            oc_link.Link(
                f"{link.context.trace_id:032x}",
                f"{link.context.span_id:016x}",
                _LINK_TYPES.get(kind, oc_link.Type.TYPE_UNSPECIFIED),
                oc_attributes.Attributes(fields),
            )
        )
    return SpanData(
        name=span.name,
        context=OcSpanContext(
            trace_id=trace_id,
            span_id=f"{context.span_id:016x}",
            trace_options=TraceOptions("1" if context.trace_flags.sampled else "0"),
            from_header=False,
        ),
        span_id=f"{context.span_id:016x}",
        parent_span_id=None if parent is None else f"{parent.span_id:016x}",
        attributes=dict(span.attributes or {}),
        start_time=_iso(span.start_time),
        end_time=_iso(span.end_time),
        child_span_count=0,  # OpenTelemetry does not count a span's children
        stack_trace=None,
        annotations=annotations,
        message_events=message_events,
        links=links,
        status=_status(span.status),
        same_process_as_parent_span=None if parent is None else not parent.is_remote,
        span_kind=_KINDS.get(span.kind, oc_span.SpanKind.UNSPECIFIED),
    )


def _status(status: Any) -> oc_status.Status:
    """ERROR as UNKNOWN with the description; anything else OK (code 0), as every OpenCensus
    span starts."""
    if status.status_code is StatusCode.ERROR:
        return oc_status.Status(_UNKNOWN, status.description)
    return oc_status.Status(0)


def _datetime(nanoseconds: Optional[int]) -> Optional[datetime.datetime]:
    """A naive UTC datetime, as OpenCensus keeps times."""
    if nanoseconds is None:
        return None
    moment = datetime.datetime.fromtimestamp(nanoseconds / 1e9, datetime.timezone.utc)
    return moment.replace(tzinfo=None)


def _iso(nanoseconds: Optional[int]) -> Optional[str]:
    moment = _datetime(nanoseconds)
    return None if moment is None else moment.strftime("%Y-%m-%dT%H:%M:%S.%fZ")
