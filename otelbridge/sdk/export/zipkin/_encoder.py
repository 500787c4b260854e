"""OpenTelemetry spans as Zipkin v2 JSON, byte for byte what ``opentelemetry-exporter-zipkin-json``
(its ``JsonV2Encoder``) sends for the same spans, so that a collector, a dashboard or a test pinned
to the reference's payloads sees no change.

That includes the reference's choices: resource attributes are copied into every span's tags
(after the span's own, so they win on a clash), sequences become compact JSON lists of strings,
``otel.library.*`` and ``otel.scope.*`` tags are both set (``null`` without a version), times are
rounded to the nearest microsecond, ``kind`` is ``null`` for internal spans, and sampled spans are
marked ``"debug": true``. One addition, which the specification's Zipkin mapping asks for: client
and producer spans with ``peer.service`` (or a peer address) get a ``remoteEndpoint``, appended
as the last key.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Sequence as SequenceABC
from typing import TYPE_CHECKING, Any, Dict, List, Mapping, Optional, Sequence

if TYPE_CHECKING:
    from opentelemetry.trace import SpanContext

    from otelbridge.sdk.export._types import FinishedSpan

    Tags = Dict[str, Optional[str]]

_logger = logging.getLogger(__name__)

_KINDS = {"SERVER": "SERVER", "CLIENT": "CLIENT", "PRODUCER": "PRODUCER", "CONSUMER": "CONSUMER"}
_REMOTE_SERVICE_KEYS = ("peer.service", "server.address", "net.peer.name", "network.peer.address")


def _usec(nanoseconds: int) -> int:
    """Nanoseconds to the nearest microsecond (Zipkin's unit)."""
    return (nanoseconds + 500) // 1000


def _scalar(value: object) -> Optional[str]:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (int, float, str)):
        return str(value)
    return None


def _tag_value(value: object) -> Optional[str]:
    """A tag's text, or ``None`` for a value Zipkin tags cannot carry."""
    text = _scalar(value)
    if text is not None or not isinstance(value, SequenceABC):
        return text
    elements = [
        _scalar(element) for element in value if element is None or _scalar(element) is not None
    ]
    return json.dumps(elements, separators=(",", ":"))


def _add_tags(tags: Tags, attributes: Optional[Mapping[str, object]]) -> None:
    for key, value in (attributes or {}).items():
        text = _tag_value(value)
        if text is None:
            _logger.warning("Could not serialize tag %s", key)
            continue
        tags[key] = text


def _tags(span: FinishedSpan) -> Tags:
    tags: Tags = {}
    _add_tags(tags, span.attributes)
    if span.resource is not None:
        _add_tags(tags, span.resource.attributes)
    scope = span.instrumentation_scope
    if scope is not None:
        tags["otel.library.name"] = scope.name
        tags["otel.library.version"] = scope.version
        tags["otel.scope.name"] = scope.name
        tags["otel.scope.version"] = scope.version
    code = span.status.status_code.name
    if code != "UNSET":
        tags["otel.status_code"] = code
        if code == "ERROR":
            tags["error"] = span.status.description or ""
    for name, count in (
        ("otel.dropped_attributes_count", span.dropped_attributes),
        ("otel.dropped_events_count", span.dropped_events),
        ("otel.dropped_links_count", span.dropped_links),
    ):
        if count:
            tags[name] = str(count)
    return tags


def _remote_endpoint(
    kind: Optional[str], attributes: Mapping[str, object]
) -> Optional[Dict[str, str]]:
    if kind not in ("CLIENT", "PRODUCER"):
        return None
    for key in _REMOTE_SERVICE_KEYS:
        value = attributes.get(key)
        if value:
            return {"serviceName": str(value)}
    return None


def zipkin_span(span: FinishedSpan, service_name: str) -> Dict[str, Any]:
    """One span as a Zipkin v2 JSON object (a dict, keys in the reference's order)."""
    # An exported span has a context (the Protocol's ``Optional`` is for spans built by hand).
    context: SpanContext = span.context  # type: ignore[assignment]
    start = span.start_time or 0
    kind = _KINDS.get(span.kind.name)
    out: Dict[str, Any] = {
        "traceId": f"{context.trace_id:032x}",
        "id": f"{context.span_id:016x}",
        "name": span.name,
        "timestamp": _usec(start),
        "duration": _usec((span.end_time or start) - start),
        "localEndpoint": {"serviceName": service_name},
        "kind": kind,
    }
    tags = _tags(span)
    if tags:
        out["tags"] = tags
    if span.events:
        # An event always has attributes; the reference SDK types them ``Optional``.
        out["annotations"] = [
            {
                "timestamp": _usec(event.timestamp),
                "value": json.dumps({event.name: dict(event.attributes)}, sort_keys=True),  # type: ignore[arg-type]
            }
            for event in span.events
        ]
    if context.trace_flags.sampled:
        out["debug"] = True
    if span.parent is not None:
        out["parentId"] = f"{span.parent.span_id:016x}"
    remote = _remote_endpoint(kind, span.attributes or {})
    if remote:
        out["remoteEndpoint"] = remote
    return out


def encode_spans(spans: Sequence[FinishedSpan], default_service: str = "unknown_service") -> bytes:
    """The JSON array body for ``POST /api/v2/spans``."""
    payload: List[Dict[str, Any]] = []
    for span in spans:
        # A resource always has attributes; the reference SDK types them ``Optional``.
        service = span.resource.attributes.get("service.name") or default_service  # type: ignore[union-attr]
        payload.append(zipkin_span(span, str(service)))
    return json.dumps(payload).encode()
