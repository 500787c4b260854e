"""OpenTelemetry spans as ``jaeger.thrift`` structs, per the specification's Jaeger mapping."""

from __future__ import annotations

from typing import TYPE_CHECKING, Iterator, List, Mapping, Sequence, Tuple

from otelbridge.sdk.export.jaeger._compact import (
    StructWriter,
    list_header,
    message_header,
    signed64,
)

if TYPE_CHECKING:
    from opentelemetry.trace import SpanContext

    from otelbridge.sdk.export._types import FinishedSpan, ResourceData

# jaeger.thrift TagType
_STRING, _DOUBLE, _BOOL, _LONG, _BINARY = 0, 1, 2, 3, 4
_FOLLOWS_FROM = 1
_KINDS = {"SERVER": "server", "CLIENT": "client", "PRODUCER": "producer", "CONSUMER": "consumer"}
_INT64 = (-(1 << 63), (1 << 63) - 1)


def _tag(key: str, value: object) -> bytes:
    tag = StructWriter().string(1, key)
    if isinstance(value, bool):
        return tag.i32(2, _BOOL).boolean(5, value).end()
    if isinstance(value, int) and _INT64[0] <= value <= _INT64[1]:
        return tag.i32(2, _LONG).i64(6, value).end()
    if isinstance(value, float):
        return tag.i32(2, _DOUBLE).double(4, value).end()
    if isinstance(value, bytes):
        return tag.i32(2, _BINARY).binary(7, value).end()
    if isinstance(value, (list, tuple)):
        value = "[" + ", ".join(map(str, value)) + "]"
    return tag.i32(2, _STRING).string(3, str(value)).end()


def tags(attributes: Mapping[str, object]) -> List[bytes]:
    return [_tag(key, value) for key, value in attributes.items()]


def _span_tags(span: FinishedSpan) -> List[bytes]:
    out = tags(span.attributes or {})
    kind = _KINDS.get(span.kind.name)
    if kind:
        out.append(_tag("span.kind", kind))
    status = span.status
    if status.status_code.name != "UNSET":
        out.append(_tag("otel.status_code", status.status_code.name))
        if status.description:
            out.append(_tag("otel.status_description", status.description))
        if status.status_code.name == "ERROR":
            out.append(_tag("error", True))
    scope = span.instrumentation_scope
    if scope is not None:
        out.append(_tag("otel.scope.name", scope.name))
        if scope.version:
            out.append(_tag("otel.scope.version", scope.version))
    for name, count in (
        ("otel.dropped_attributes_count", span.dropped_attributes),
        ("otel.dropped_events_count", span.dropped_events),
        ("otel.dropped_links_count", span.dropped_links),
    ):
        if count:
            out.append(_tag(name, count))
    return out


def encode_span(span: FinishedSpan) -> bytes:
    """One ``Span`` struct."""
    # An exported span has a context (the Protocol's ``Optional`` is for spans built by hand).
    context: SpanContext = span.context  # type: ignore[assignment]
    start = span.start_time or 0
    writer = (
        StructWriter()
        .i64(1, signed64(context.trace_id & 0xFFFFFFFFFFFFFFFF))
        .i64(2, signed64(context.trace_id >> 64))
        .i64(3, signed64(context.span_id))
        .i64(4, signed64(span.parent.span_id) if span.parent is not None else 0)
        .string(5, span.name)
    )
    if span.links:
        references = [
            StructWriter()
            .i32(1, _FOLLOWS_FROM)
            .i64(2, signed64(link.context.trace_id & 0xFFFFFFFFFFFFFFFF))
            .i64(3, signed64(link.context.trace_id >> 64))
            .i64(4, signed64(link.context.span_id))
            .end()
            for link in span.links
        ]
        writer.struct_list(6, references)
    writer.i32(7, int(context.trace_flags) & 1)
    writer.i64(8, start // 1000).i64(9, ((span.end_time or start) - start) // 1000)
    writer.struct_list(10, _span_tags(span))
    if span.events:
        logs = [
            StructWriter()
            .i64(1, event.timestamp // 1000)
            .struct_list(2, [_tag("event", event.name), *tags(event.attributes or {})])
            .end()
            for event in span.events
        ]
        writer.struct_list(11, logs)
    return writer.end()


def encode_process(resource: ResourceData, default_service: str = "unknown_service") -> bytes:
    """The ``Process`` struct: service name plus the other resource attributes as tags."""
    # A resource always has attributes; the reference SDK types them ``Optional``.
    attributes = dict(resource.attributes)  # type: ignore[arg-type]
    service = str(attributes.pop("service.name", None) or default_service)
    writer = StructWriter().string(1, service)
    if attributes:
        writer.struct_list(2, tags(attributes))
    return writer.end()


def _packet(process: bytes, spans: Sequence[bytes], seqid: int) -> bytes:
    batch = (
        b"\x1c"  # Batch.process: field 1, struct
        + process
        + b"\x19"  # Batch.spans: field 2 (delta 1), list
        + list_header(len(spans), 12)
        + b"".join(spans)
        + b"\x00"
    )
    return message_header("emitBatch", seqid) + b"\x1c" + batch + b"\x00"


_SPANS_OVERHEAD = 1 + 6 + 1 + 1 + 1  # field headers, list header (up to 6), stops


def packets(
    spans: Sequence[FinishedSpan], max_packet_size: int, seqid: int
) -> Iterator[Tuple[bytes, int, int]]:
    """``(packet, spans in it, spans too big to send)`` for each UDP packet needed.

    Spans are grouped by resource (one ``Process`` per batch) and split so that no packet
    exceeds ``max_packet_size``; a span that cannot fit even alone is counted and skipped.
    """
    by_resource: dict[int, Tuple[ResourceData, List[bytes]]] = {}
    for span in spans:
        by_resource.setdefault(id(span.resource), (span.resource, []))[1].append(encode_span(span))
    for resource, encoded in by_resource.values():
        process = encode_process(resource)
        overhead = len(message_header("emitBatch", seqid)) + len(process) + _SPANS_OVERHEAD + 2
        current: List[bytes] = []
        size = overhead
        too_big = 0
        for item in encoded:
            if overhead + len(item) > max_packet_size:
                too_big += 1
                continue
            if size + len(item) > max_packet_size:
                yield _packet(process, current, seqid), len(current), too_big
                seqid, current, size, too_big = seqid + 1, [], overhead, 0
            current.append(item)
            size += len(item)
        if current or too_big:
            yield _packet(process, current, seqid) if current else b"", len(current), too_big
            seqid += 1
