"""Render spans as an indented tree per trace, for people reading a terminal.

Works on plain :class:`SpanRecord` values so that anything that has spans (our SDK's
``ReadableSpan``, spans decoded from OTLP, legacy tracers) can be shown the same way.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Dict, Iterable, List, Mapping, Optional, Sequence, Tuple


@dataclass(frozen=True)
class SpanRecord:
    """The parts of a span the tree shows. Times are ``time_ns()`` values."""

    name: str
    trace_id: int
    span_id: int
    parent_id: Optional[int]
    start_time: int
    end_time: int
    attributes: Mapping[str, Any] = field(default_factory=dict)
    status_code: str = "UNSET"
    status_description: Optional[str] = None
    kind: str = "INTERNAL"
    events: Sequence[Tuple[str, Mapping[str, Any]]] = ()
    scope: str = ""


def record_from_span(span: Any) -> SpanRecord:
    """A :class:`SpanRecord` from anything shaped like opentelemetry-sdk's ``ReadableSpan``."""
    context, parent, status = span.context, span.parent, span.status
    return SpanRecord(
        name=span.name,
        trace_id=context.trace_id,
        span_id=context.span_id,
        parent_id=parent.span_id if parent is not None else None,
        start_time=span.start_time or 0,
        end_time=span.end_time or span.start_time or 0,
        attributes=dict(span.attributes or {}),
        status_code=status.status_code.name,
        status_description=status.description,
        kind=span.kind.name,
        events=tuple((event.name, dict(event.attributes or {})) for event in span.events),
        scope=span.instrumentation_scope.name if span.instrumentation_scope else "",
    )


_MAX_VALUE_CHARS = 60


def _format_value(value: Any) -> str:
    """Short and on one line: long or multi-line strings (stack traces) are cut."""
    if isinstance(value, str):
        lines = value.strip().splitlines() or [""]
        text = lines[-1] if len(lines) > 1 else lines[0]  # a traceback's last line says most
        if len(text) > _MAX_VALUE_CHARS or len(lines) > 1:
            text = text[:_MAX_VALUE_CHARS] + "…"
        return text if text and " " not in text else repr(text)
    if isinstance(value, tuple):
        return "[" + ", ".join(_format_value(v) for v in value) + "]"
    return str(value)


def _format_attributes(attributes: Mapping[str, Any]) -> str:
    return " ".join(f"{key}={_format_value(value)}" for key, value in attributes.items())


def _duration(nanoseconds: int) -> str:
    if nanoseconds < 1_000_000:
        return f"{nanoseconds / 1000:.0f} µs"
    return f"{nanoseconds / 1e6:.1f} ms"


def _span_line(record: SpanRecord) -> str:
    parts = [record.name]
    if record.kind != "INTERNAL":
        parts.append(f"[{record.kind}]")
    parts.append(_duration(record.end_time - record.start_time))
    if record.status_code != "UNSET":
        status = record.status_code
        if record.status_description:
            status += f": {record.status_description}"
        parts.append(f"({status})")
    if record.attributes:
        parts.append(" " + _format_attributes(record.attributes))
    return " ".join(parts)


def render_span_tree(records: Iterable[SpanRecord], show_events: bool = True) -> str:
    """One block per trace (in order of first start), children under parents by start time.
    Spans whose parent was not received are shown as roots, marked ``(parent missing)``."""
    by_trace: Dict[int, List[SpanRecord]] = {}
    for record in sorted(records, key=lambda r: r.start_time):
        by_trace.setdefault(record.trace_id, []).append(record)
    return "\n\n".join(
        _render_trace(trace_id, spans, show_events) for trace_id, spans in by_trace.items()
    )


def _render_trace(trace_id: int, spans: List[SpanRecord], show_events: bool) -> str:
    ids = {span.span_id for span in spans}
    children: Dict[Optional[int], List[SpanRecord]] = {}
    for span in spans:
        children.setdefault(span.parent_id if span.parent_id in ids else None, []).append(span)
    lines = [f"trace {trace_id:032x}"]

    def walk(span: SpanRecord, prefix: str, last: bool) -> None:
        orphan = span.parent_id is not None and span.parent_id not in ids
        line = prefix + ("└─ " if last else "├─ ") + _span_line(span)
        lines.append(line + (" (parent missing)" if orphan else ""))
        inner = prefix + ("   " if last else "│  ")
        if show_events:
            for name, attributes in span.events:
                lines.append(inner + f"• {name} {_format_attributes(attributes)}".rstrip())
        kids = children.get(span.span_id, [])
        for index, child in enumerate(kids):
            walk(child, inner, index == len(kids) - 1)

    roots = children.get(None, [])
    for index, root in enumerate(roots):
        walk(root, "", index == len(roots) - 1)
    return "\n".join(lines)
