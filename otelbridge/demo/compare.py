"""Compare two runs of the shop field by field: does the migrated app send what the bridge did?

Spans are matched by their place in the tree (the names from the root down) and compared on
name, kind, status, attributes and events; metrics by name, then data points by attributes,
compared on type, unit and values. Span and trace ids, times, instrumentation scopes and the
free loopback ports (which differ from run to run by design) are left out.
"""

from __future__ import annotations

import re
from typing import Any, Dict, Iterable, List

from opentelemetry.proto.collector.metrics.v1.metrics_service_pb2 import ExportMetricsServiceRequest

from otelbridge.demo.app import Run
from otelbridge.devtools.collector import attributes
from otelbridge.devtools.span_tree import SpanRecord

_PORT = re.compile(r"(127\.0\.0\.1|localhost):\d+")
_PORT_KEYS = frozenset({"peer.port", "net.peer.port", "net.host.port", "server.port"})

Fields = Dict[str, Any]


def _value(key: str, value: Any) -> Any:
    if key in _PORT_KEYS:
        return "<port>"
    return _PORT.sub(r"\1:<port>", value) if isinstance(value, str) else value


def _attrs(values: Dict[str, Any]) -> Dict[str, Any]:
    return {key: _value(key, value) for key, value in sorted(values.items())}


def span_fields(spans: Iterable[SpanRecord]) -> Dict[str, Fields]:
    """Each span's comparable fields, keyed by its path of names (``a > b > c``, ``#2`` repeats)."""
    spans = sorted(spans, key=lambda span: span.start_time)
    by_id = {span.span_id: span for span in spans}
    result: Dict[str, Fields] = {}
    for span in spans:
        names, parent = [_value("", span.name)], by_id.get(span.parent_id or 0)
        while parent is not None:
            names.append(_value("", parent.name))
            parent = by_id.get(parent.parent_id or 0)
        path = " > ".join(reversed(names))
        key, repeat = path, 1
        while key in result:
            repeat += 1
            key = f"{path} #{repeat}"
        result[key] = {
            "kind": span.kind,
            "status": (span.status_code, span.status_description),
            "attributes": _attrs(dict(span.attributes)),
            "events": tuple((name, _attrs(dict(values))) for name, values in span.events),
        }
    return result


def metric_fields(requests: Iterable[ExportMetricsServiceRequest]) -> Dict[str, Fields]:
    """Each data point's comparable fields, keyed by ``metric {attributes}``."""
    result: Dict[str, Fields] = {}
    for request in requests:
        for resource_metrics in request.resource_metrics:
            for scope_metrics in resource_metrics.scope_metrics:
                for metric in scope_metrics.metrics:
                    kind = metric.WhichOneof("data") or "empty"
                    points = getattr(metric, kind).data_points if kind != "empty" else ()
                    for point in points:
                        labels = _attrs(attributes(point.attributes))
                        key = f"{metric.name} {labels}"
                        result[key] = {"type": kind, "unit": metric.unit, **_point(kind, point)}
    return result


def _point(kind: str, point: Any) -> Fields:
    if kind in ("sum", "gauge"):
        return {"value": getattr(point, point.WhichOneof("value"))}
    fields: Fields = {"count": point.count, "sum": point.sum}
    if kind == "histogram":
        fields["bounds"] = tuple(point.explicit_bounds)
        fields["buckets"] = tuple(point.bucket_counts)
    return fields


def differences(before: Dict[str, Fields], after: Dict[str, Fields], what: str) -> List[str]:
    """One line per field that differs, per item only one side has."""
    lines = []
    for key in before:
        if key not in after:
            lines.append(f"{what} {key}: missing after migration")
            continue
        for field, value in before[key].items():
            if after[key].get(field) != value:
                lines.append(f"{what} {key}: {field} {value!r} → {after[key].get(field)!r}")
    lines.extend(f"{what} {key}: new after migration" for key in after if key not in before)
    return lines


def verdict(before: Run, after: Run) -> List[str]:
    """The demo's ``match:`` line for ``after`` against ``before``, then one line per difference."""
    spans, metrics = span_fields(before.spans), metric_fields(before.metrics)
    found = differences(spans, span_fields(after.spans), "span") + differences(
        metrics, metric_fields(after.metrics), "metric"
    )
    if after.failure:
        found.insert(0, f"the migrated shop failed: {after.failure}")
    what = f"{len(spans)} spans and {len(metrics)} metric points"
    if not found:
        return [f"match: yes, step 3 sends what step 1 sent: {what}, field by field"]
    return [
        f"match: NO, step 3 differs from step 1 in {len(found)} place(s), of {what}:",
        *(f"  {line}" for line in found),
    ]
