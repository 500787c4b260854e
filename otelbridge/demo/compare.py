"""Compare two runs of the shop field by field: does the migrated app send what the bridge did?

Spans are matched by their place in the tree (the names from the root down) and compared on
name, kind, status, each attribute and events; metrics by name, then data points by attributes,
compared on type, unit and values. Span and trace ids, times, instrumentation scopes and the
free loopback ports (which differ from run to run by design) are left out, and so are histogram
min and max, which OpenCensus distributions do not have.

Everything step 1 sent must be there, equal. What only step 3 sends is a difference too, unless
an OpenTelemetry instrumentation library sent it (its scope says so): FlaskInstrumentor records
the HTTP semantic-convention attributes beside the legacy ones and ``http.server.*`` metrics.
Those are listed apart: nothing a dashboard of the legacy app selected on changes with them.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any, Dict, Iterable, List, Tuple

from opentelemetry.proto.collector.metrics.v1.metrics_service_pb2 import ExportMetricsServiceRequest

from otelbridge.demo.app import Run
from otelbridge.devtools.collector import attributes
from otelbridge.devtools.span_tree import SpanRecord

_PORT = re.compile(r"(127\.0\.0\.1|localhost):\d+")
_PORT_KEYS = frozenset({"peer.port", "net.peer.port", "net.host.port", "server.port"})
#: the scopes of opentelemetry-python-contrib's instrumentation libraries
INSTRUMENTATION = "opentelemetry.instrumentation."

Fields = Dict[str, Any]


@dataclass(frozen=True)
class Item:
    """One span or metric point: its comparable fields, and the scope that sent it."""

    fields: Fields
    scope: str = ""


@dataclass
class Comparison:
    """What step 3 changed, and what instrumentation libraries added to it."""

    differences: List[str] = field(default_factory=list)
    #: (scope, what) -> on how many items: ``("...flask", "attribute http.route")``, ``"metric
    #: http.server.duration"`` (its points), ``"span <path>"``
    added: Dict[Tuple[str, str], int] = field(default_factory=dict)

    def add(self, before: Dict[str, Item], after: Dict[str, Item], what: str) -> None:
        """Compare the ``what`` (``span``/``metric``) items of both runs, by key."""
        for key, item in before.items():
            if key not in after:
                self.differences.append(f"{what} {key}: missing after migration")
                continue
            other = after[key]
            for name, value in item.fields.items():
                if name == "attributes":
                    self._attributes(f"{what} {key}", value, other)
                elif other.fields.get(name) != value:
                    new = other.fields.get(name)
                    self.differences.append(f"{what} {key}: {name} {value!r} → {new!r}")
        for key, item in after.items():
            if key not in before:
                name = key.split(" {", 1)[0] if what == "metric" else key  # points: by metric
                self._new(item.scope, f"{what} {name}", f"{what} {key}: new after migration")

    def _attributes(self, where: str, values: Fields, other: Item) -> None:
        now = other.fields.get("attributes", {})
        for key, value in values.items():
            if key not in now:
                self.differences.append(f"{where}: attribute {key} missing after migration")
            elif now[key] != value:
                self.differences.append(f"{where}: attribute {key} {value!r} → {now[key]!r}")
        for key in now:
            if key not in values:
                message = f"{where}: attribute {key} new after migration"
                self._new(other.scope, f"attribute {key}", message)

    def _new(self, scope: str, what: str, message: str) -> None:
        """Something only step 3 sent: ``what`` an instrumentation added, else a difference."""
        if scope.startswith(INSTRUMENTATION):
            self.added[(scope, what)] = self.added.get((scope, what), 0) + 1
        else:
            self.differences.append(message)

    def added_lines(self) -> List[str]:
        """One line per instrumentation scope and kind of addition."""
        grouped: Dict[Tuple[str, str], List[str]] = {}
        for (scope, what), count in self.added.items():
            kind, _, name = what.partition(" ")
            grouped.setdefault((scope, kind), []).append(f"{name} ({count})")
        heading = {"attribute": "span attributes (spans)", "metric": "metrics (points)"}
        return [
            f"  {scope}: {heading.get(kind, kind + 's')}: {', '.join(sorted(names))}"
            for (scope, kind), names in sorted(grouped.items())
        ]


def _value(key: str, value: Any) -> Any:
    if key in _PORT_KEYS:
        return "<port>"
    return _PORT.sub(r"\1:<port>", value) if isinstance(value, str) else value


def _attrs(values: Dict[str, Any]) -> Dict[str, Any]:
    return {key: _value(key, value) for key, value in sorted(values.items())}


def span_fields(spans: Iterable[SpanRecord]) -> Dict[str, Item]:
    """Each span's comparable fields, keyed by its path of names (``a > b > c``, ``#2`` repeats)."""
    spans = sorted(spans, key=lambda span: span.start_time)
    by_id = {span.span_id: span for span in spans}
    result: Dict[str, Item] = {}
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
        fields = {
            "kind": span.kind,
            "status": (span.status_code, span.status_description),
            "attributes": _attrs(dict(span.attributes)),
            "events": tuple((name, _attrs(dict(values))) for name, values in span.events),
        }
        result[key] = Item(fields, span.scope)
    return result


def metric_fields(requests: Iterable[ExportMetricsServiceRequest]) -> Dict[str, Item]:
    """Each data point's comparable fields, keyed by ``metric {attributes}``."""
    result: Dict[str, Item] = {}
    for request in requests:
        for resource_metrics in request.resource_metrics:
            for scope_metrics in resource_metrics.scope_metrics:
                for metric in scope_metrics.metrics:
                    kind = metric.WhichOneof("data") or "empty"
                    points = getattr(metric, kind).data_points if kind != "empty" else ()
                    for point in points:
                        labels = _attrs(attributes(point.attributes))
                        fields = {"type": kind, "unit": metric.unit, **_point(kind, point)}
                        result[f"{metric.name} {labels}"] = Item(fields, scope_metrics.scope.name)
    return result


def _point(kind: str, point: Any) -> Fields:
    if kind in ("sum", "gauge"):
        return {"value": getattr(point, point.WhichOneof("value"))}
    fields: Fields = {"count": point.count, "sum": point.sum}
    if kind == "histogram":
        fields["bounds"] = tuple(point.explicit_bounds)
        fields["buckets"] = tuple(point.bucket_counts)
    return fields


def compare(before: Run, after: Run) -> Comparison:
    """Step 3's run ``after`` against step 1's ``before``."""
    comparison = Comparison()
    if after.failure:
        comparison.differences.append(f"the migrated shop failed: {after.failure}")
    comparison.add(span_fields(before.spans), span_fields(after.spans), "span")
    comparison.add(metric_fields(before.metrics), metric_fields(after.metrics), "metric")
    return comparison


def verdict(before: Run, after: Run) -> List[str]:
    """The demo's ``match:`` line for ``after`` against ``before``, one line per difference, then
    what instrumentation libraries added."""
    comparison = compare(before, after)
    found = comparison.differences
    what = f"{len(before.spans)} spans and {len(metric_fields(before.metrics))} metric points"
    if found:
        lines = [
            f"match: NO, step 3 differs from step 1 in {len(found)} place(s), of {what}:",
            *(f"  {line}" for line in found),
        ]
    else:
        lines = [f"match: yes, step 3 sends what step 1 sent: {what}, field by field"]
    added = comparison.added_lines()
    if added:
        lines += ["added by OpenTelemetry instrumentations (step 1 sent none of it):", *added]
    return lines
