"""What ``otelbridge collect`` and ``otelbridge demo`` do with received OTLP: keep, show, write.

:class:`Collector` is a receiver consumer that stores requests and can print them as span trees
and metric summaries or append them to a file as OTLP JSON lines. :class:`EmbeddedCollector`
runs one in-process on a free loopback port.
"""

from __future__ import annotations

import json
import threading
from typing import IO, Any, Dict, List, Optional

from otelbridge.devtools.receiver import ExportRequest, OTLPReceiver
from otelbridge.devtools.span_tree import SpanRecord, render_span_tree
from otelbridge.sdk.export.otlp.proto.common._json import to_otlp_json

_KINDS = {1: "INTERNAL", 2: "SERVER", 3: "CLIENT", 4: "PRODUCER", 5: "CONSUMER"}
_STATUSES = {0: "UNSET", 1: "OK", 2: "ERROR"}


def any_value(value: Any) -> Any:
    """The Python value of an OTLP ``AnyValue`` (arrays as tuples, kvlists as dicts)."""
    which = value.WhichOneof("value")
    if which is None:
        return None
    if which == "array_value":
        return tuple(any_value(item) for item in value.array_value.values)
    if which == "kvlist_value":
        return attributes(value.kvlist_value.values)
    return getattr(value, which)


def attributes(key_values: Any) -> Dict[str, Any]:
    return {item.key: any_value(item.value) for item in key_values}


def span_records(request: ExportRequest) -> List[SpanRecord]:
    """The spans of an ``ExportTraceServiceRequest`` as :class:`SpanRecord` values."""
    records = []
    for resource_spans in getattr(request, "resource_spans", ()):
        for scope_spans in resource_spans.scope_spans:
            for span in scope_spans.spans:
                records.append(
                    SpanRecord(
                        name=span.name,
                        trace_id=int.from_bytes(span.trace_id, "big"),
                        span_id=int.from_bytes(span.span_id, "big"),
                        parent_id=int.from_bytes(span.parent_span_id, "big")
                        if span.parent_span_id
                        else None,
                        start_time=span.start_time_unix_nano,
                        end_time=span.end_time_unix_nano,
                        attributes=attributes(span.attributes),
                        status_code=_STATUSES.get(span.status.code, "UNSET"),
                        status_description=span.status.message or None,
                        kind=_KINDS.get(span.kind, "INTERNAL"),
                        events=tuple((e.name, attributes(e.attributes)) for e in span.events),
                        scope=scope_spans.scope.name,
                    )
                )
    return records


def _point_summary(kind: str, point: Any) -> str:
    labels = " ".join(f"{k}={v}" for k, v in attributes(point.attributes).items())
    if kind in ("sum", "gauge"):
        value = point.as_int if point.WhichOneof("value") == "as_int" else point.as_double
        text = f"value={value}"
    else:
        text = f"count={point.count} sum={point.sum:g}"
        if point.HasField("min"):
            text += f" min={point.min:g} max={point.max:g}"
        if kind == "exponential_histogram":
            text += f" scale={point.scale}"
    return f"{text} {labels}".rstrip()


def metric_lines(request: ExportRequest) -> List[str]:
    """One line per metric and one indented line per data point."""
    lines = []
    for resource_metrics in getattr(request, "resource_metrics", ()):
        for scope_metrics in resource_metrics.scope_metrics:
            for metric in scope_metrics.metrics:
                kind = metric.WhichOneof("data") or "empty"
                unit = f" [{metric.unit}]" if metric.unit else ""
                lines.append(f"{metric.name}{unit} {kind} ({scope_metrics.scope.name})")
                points = getattr(metric, kind).data_points if kind != "empty" else ()
                lines.extend(f"  {_point_summary(kind, point)}" for point in points)
    return lines


def _service(request: ExportRequest) -> str:
    for resource_data in [
        *getattr(request, "resource_spans", ()),
        *getattr(request, "resource_metrics", ()),
    ]:
        for item in resource_data.resource.attributes:
            if item.key == "service.name":
                return str(any_value(item.value))
    return "unknown service"


def describe(request: ExportRequest, show_events: bool = True) -> str:
    """A human-readable rendering of one request."""
    records = span_records(request)
    if records:
        header = f"── {len(records)} span(s) from {_service(request)}"
        return header + "\n" + render_span_tree(records, show_events=show_events)
    lines = metric_lines(request)
    count = sum(not line.startswith(" ") for line in lines)
    return f"── {count} metric(s) from {_service(request)}\n" + "\n".join(lines)


class Collector:
    """A receiver consumer: keeps every request, and prints and/or writes each as it arrives."""

    def __init__(
        self,
        out: Optional[IO[str]] = None,
        json_lines: Optional[IO[str]] = None,
        show_events: bool = True,
    ) -> None:
        self._out = out
        self._json_lines = json_lines
        self._show_events = show_events
        self._lock = threading.Lock()
        self.requests: List[ExportRequest] = []

    def __call__(self, request: ExportRequest) -> None:
        with self._lock:  # whole requests, never interleaved
            self.requests.append(request)
            if self._out is not None:
                self._out.write(describe(request, self._show_events) + "\n\n")
                self._out.flush()
            if self._json_lines is not None:
                self._json_lines.write(json.dumps(to_otlp_json(request)) + "\n")
                self._json_lines.flush()

    def span_records(self) -> List[SpanRecord]:
        with self._lock:
            return [record for request in self.requests for record in span_records(request)]


class EmbeddedCollector:
    """A :class:`Collector` behind an OTLP/gRPC receiver on a free loopback port."""

    def __init__(self) -> None:
        self.collector = Collector()
        self.receiver = OTLPReceiver(self.collector, grpc_port=0, http_port=None, workers=2)

    @property
    def endpoint(self) -> str:
        return self.receiver.grpc_endpoint

    def __enter__(self) -> EmbeddedCollector:
        self.receiver.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.receiver.stop()
