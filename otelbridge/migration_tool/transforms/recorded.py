"""Test assertions on recorded spans: ``MockSpan`` fields → ``ReadableSpan`` properties.

A test reads what its ``MockTracer`` recorded: ``spans = tracer.finished_spans()`` (now
``exporter.get_finished_spans()``, see ``mocktracer.py``), then ``spans[0].operation_name``,
``[s.tags for s in spans]``, ``map(lambda s: s.parent_id, spans)``... The spans of those lists
(followed through names, subscripts, ``for`` and comprehension targets, the lambdas of ``map``,
``filter``, ``sorted``...) and, in a file that makes a ``MockTracer``, the live spans the code
under test returns are SDK spans after the migration, so their fields map:

- ``operation_name`` → ``name``, ``tags`` → ``attributes``, ``logs`` → ``events``;
- ``parent_id`` → ``parent.span_id`` (``None`` without a parent, as before);
- ``finished`` → ``end_time is not None``;
- ``start_time``/``finish_time`` → ``start_time``/``end_time``, marked: float seconds become int
  nanoseconds.

What has no counterpart is marked with its reason: a log's ``key_values`` (an OpenTelemetry event
has a ``name`` and ``attributes``), and ``span.kind``/``error`` read from the tags (OpenTelemetry
records them as the span's ``kind`` and ``status``).
"""

from __future__ import annotations

from typing import Optional, Union

import libcst as cst
from libcst.codemod import CodemodContext
from libcst.metadata import Assignment

from otelbridge.migration_tool.mock_fixtures import requested_exporter
from otelbridge.migration_tool.mock_tracers import MockTracers
from otelbridge.migration_tool.model import SPANS, Kind
from otelbridge.migration_tool.state import MigrationState
from otelbridge.migration_tool.transforms.arguments import tag_string
from otelbridge.migration_tool.transforms.base import LegacyTransform
from otelbridge.migration_tool.walk import walk

#: ``MockSpan`` field -> ``ReadableSpan`` property of the same meaning
RENAMED = {
    "operation_name": "name",
    "tags": "attributes",
    "logs": "events",
    "start_time": "start_time",
    "finish_time": "end_time",
}
FIELDS = frozenset({*RENAMED, "parent_id", "finished"})
TIME_UNITS = (
    "MockSpan times were float seconds; ReadableSpan.{name} is int nanoseconds: check the "
    "arithmetic and comparisons"
)
LOG_FIELDS = (
    "OpenTracing log key_values: an OpenTelemetry event has .name and .attributes (an error log "
    "is an 'exception' event with exception.* attributes)"
)
KIND_STATUS = (
    "span.kind and error are not attributes in OpenTelemetry: compare span.kind (SpanKind) and "
    "span.status instead"
)
#: calls whose result holds the elements of their first argument
_SAME = frozenset({"list", "tuple", "sorted", "reversed"})
#: calls whose lambda (first or ``key=`` argument) is given each element of the iterable
_GIVES_ELEMENTS = frozenset({"map", "filter", "sorted", "min", "max"})
#: what an element of each list kind is
_ELEMENT = {"spans": "span", "logs": "log"}


def maps_live_field(state: MigrationState, node: cst.Attribute) -> bool:
    """A ``MockSpan`` field read on a live span in a file that makes a ``MockTracer``: mapped
    here (``Escapes`` must not keep it)."""
    return (
        node.attr.value in FIELDS
        and state.model.kind(node.value) in SPANS
        and MockTracers.of(state).constructs
    )


class _Binding:
    """How a name gets its value: bound to ``value``, or given each element of ``value``."""

    __slots__ = ("element", "value")

    def __init__(self, value: cst.BaseExpression, element: bool) -> None:
        self.value, self.element = value, element


class RecordedSpans(LegacyTransform):
    DESCRIPTION = "MockSpan fields in test assertions to ReadableSpan properties."

    def __init__(self, context: CodemodContext) -> None:
        super().__init__(context)
        self._bindings: dict[cst.CSTNode, _Binding] = {}
        self._kinds: dict[cst.CSTNode, Optional[str]] = {}

    # -- what is a recorded span -------------------------------------------------------------
    def visit_Module(self, node: cst.Module) -> None:
        for found in walk(node):
            if isinstance(found, cst.Assign):
                for target in found.targets:
                    self._bind(target.target, found.value)
            elif isinstance(found, (cst.For, cst.CompFor)):
                self._bind(found.target, found.iter, element=True)
            elif isinstance(found, cst.Call) and _callee(found) in _GIVES_ELEMENTS and found.args:
                iterable = found.args[1 if _callee(found) in ("map", "filter") else 0].value
                for item in found.args:
                    if isinstance(item.value, cst.Lambda) and item.value.params.params:
                        self._bind(item.value.params.params[0].name, iterable, element=True)

    def _bind(
        self, target: cst.BaseExpression, value: cst.BaseExpression, element: bool = False
    ) -> None:
        if isinstance(target, cst.Name):
            self._bindings[target] = _Binding(value, element)
        elif isinstance(target, (cst.Tuple, cst.List)) and not element:
            for item in target.elements:
                if isinstance(item, cst.Element):
                    self._bind(item.value, value, element=True)

    def recorded(self, node: cst.BaseExpression) -> Optional[str]:
        """``"spans"``, ``"span"``, ``"logs"`` or ``"log"``: what the test recorded ``node`` is."""
        if node in self._kinds:
            return self._kinds[node]
        self._kinds[node] = None  # cycle guard
        found = self._recorded(node)
        self._kinds[node] = found
        return found

    def _recorded(self, node: cst.BaseExpression) -> Optional[str]:
        if isinstance(node, cst.Call):
            func = node.func
            if (
                isinstance(func, cst.Attribute)
                and func.attr.value == "finished_spans"
                and not node.args
                and self.kind(func.value) is Kind.TRACER
                and (
                    MockTracers.of(self.state).exporter(func.value, node) is not None
                    or requested_exporter(self.model, func.value) is not None
                )
            ):
                return "spans"
            if _callee(node) in _SAME and node.args:
                return self.recorded(node.args[0].value)
            return None
        if isinstance(node, cst.Subscript) and len(node.slice) == 1:
            whole = self.recorded(node.value)
            if isinstance(node.slice[0].slice, cst.Slice):
                return whole
            return _ELEMENT.get(whole or "")
        if isinstance(node, cst.Attribute) and node.attr.value == "logs":
            return "logs" if self._span(node.value) else None
        if isinstance(node, cst.Name):
            return self._name(node)
        return None

    def _name(self, node: cst.Name) -> Optional[str]:
        scope = self.model.scope(node)
        if scope is None:
            return None
        kinds = set()
        for assignment in scope[node.value]:
            target = assignment.node if isinstance(assignment, Assignment) else None
            if isinstance(target, cst.Param):
                target = target.name
            binding = self._bindings.get(target) if target is not None else None
            if binding is None:
                return None
            kind = self.recorded(binding.value)
            kinds.add(_ELEMENT.get(kind or "") if binding.element else kind)
        return kinds.pop() if len(kinds) == 1 else None

    def _span(self, node: cst.BaseExpression) -> bool:
        """A recorded span, or a live one in a test of a ``MockTracer``."""
        if self.recorded(node) == "span":
            return True
        return self.kind(node) in SPANS and MockTracers.of(self.state).constructs

    # -- rewrites ----------------------------------------------------------------------------
    def leave_Attribute(
        self, original_node: cst.Attribute, updated_node: cst.Attribute
    ) -> cst.BaseExpression:
        field = original_node.attr.value
        if field == "key_values" and self.recorded(original_node.value) == "log":
            self.flag(original_node, "mock-log", LOG_FIELDS)
            return updated_node
        if field not in FIELDS or self.kept(original_node.value):
            return updated_node
        if not self._span(original_node.value):
            return updated_node
        self.rewrote()
        span = updated_node.value
        if field == "finished":
            return self.expr(original_node, "(S.end_time is not None)", S=span)
        if field == "parent_id":
            return self.expr(original_node, "(S.parent.span_id if S.parent else None)", S=span)
        if field in ("start_time", "finish_time"):
            self.flag(original_node, "time-units", TIME_UNITS.format(name=RENAMED[field]))
        if field == "tags":
            self._kind_or_status(original_node)
        return updated_node.with_changes(attr=cst.Name(RENAMED[field]))

    def _kind_or_status(self, node: cst.Attribute) -> None:
        """Tags compared or indexed in a statement that names ``span.kind``/``error``."""
        statement = self.state.statements[-1] if self.state.statements else None
        for found in walk(statement) if statement is not None else ():
            if isinstance(found, (cst.SimpleString, cst.Attribute, cst.Name)) and tag_string(
                self, found
            ) in ("span.kind", "error"):
                self.flag(node, "kind-status", KIND_STATUS)
                return


def _callee(call: cst.Call) -> Union[str, None]:
    return call.func.value if isinstance(call.func, cst.Name) else None
