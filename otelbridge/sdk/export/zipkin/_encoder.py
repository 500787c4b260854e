"""OpenTelemetry spans as Zipkin v2 JSON, per the specification's Zipkin transformation."""

from __future__ import annotations

import json
from typing import Any, Dict, List, Mapping, Optional, Sequence

_KINDS = {"SERVER": "SERVER", "CLIENT": "CLIENT", "PRODUCER": "PRODUCER", "CONSUMER": "CONSUMER"}
_REMOTE_SERVICE_KEYS = ("peer.service", "server.address", "net.peer.name", "network.peer.address")


def _tag_value(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (list, tuple)):
        return json.dumps([v if not isinstance(v, bytes) else v.hex() for v in value])
    return str(value)


def _annotation(event: Any) -> Dict[str, Any]:
    attributes = event.attributes
    value = (
        json.dumps(
            {event.name: {k: _plain(v) for k, v in attributes.items()}}, separators=(",", ":")
        )
        if attributes
        else event.name
    )
    return {"timestamp": event.timestamp // 1000, "value": value}


def _plain(value: Any) -> Any:
    return list(value) if isinstance(value, tuple) else value


def _remote_endpoint(kind: str, attributes: Mapping[str, Any]) -> Optional[Dict[str, Any]]:
    if kind not in ("CLIENT", "PRODUCER"):
        return None
    for key in _REMOTE_SERVICE_KEYS:
        value = attributes.get(key)
        if value:
            return {"serviceName": str(value)}
    return None


def zipkin_span(span: Any, service_name: str) -> Dict[str, Any]:
    """One span as a Zipkin v2 JSON object (a dict)."""
    context = span.context
    attributes = span.attributes or {}
    tags = {key: _tag_value(value) for key, value in attributes.items()}
    scope = span.instrumentation_scope
    if scope is not None:
        tags["otel.scope.name"] = scope.name
        if scope.version:
            tags["otel.scope.version"] = scope.version
    status = span.status
    if status.status_code.name != "UNSET":
        tags["otel.status_code"] = status.status_code.name
        if status.status_code.name == "ERROR":
            tags["error"] = status.description or ""
    for name, count in (
        ("otel.dropped_attributes_count", span.dropped_attributes),
        ("otel.dropped_events_count", span.dropped_events),
        ("otel.dropped_links_count", span.dropped_links),
    ):
        if count:
            tags[name] = str(count)
    start = span.start_time or 0
    out: Dict[str, Any] = {
        "traceId": f"{context.trace_id:032x}",
        "id": f"{context.span_id:016x}",
        "name": span.name,
        "timestamp": start // 1000,
        "duration": max(((span.end_time or start) - start) // 1000, 1),
        "localEndpoint": {"serviceName": service_name},
    }
    if span.parent is not None:
        out["parentId"] = f"{span.parent.span_id:016x}"
    kind = _KINDS.get(span.kind.name)
    if kind:
        out["kind"] = kind
        remote = _remote_endpoint(kind, attributes)
        if remote:
            out["remoteEndpoint"] = remote
    if tags:
        out["tags"] = tags
    if span.events:
        out["annotations"] = [_annotation(event) for event in span.events]
    return out


def encode_spans(spans: Sequence[Any], default_service: str = "unknown_service") -> bytes:
    """The JSON array body for ``POST /api/v2/spans``."""
    payload: List[Dict[str, Any]] = []
    for span in spans:
        service = span.resource.attributes.get("service.name") or default_service
        payload.append(zipkin_span(span, str(service)))
    return json.dumps(payload, separators=(",", ":")).encode()
