"""OpenTracing objects reaching code the rewrite cannot see, or used in ways it does not map.

A converted span passed to a helper, returned, stored in a container or another object, or used
through a method OpenTelemetry lacks would meet OpenTracing code with an OpenTelemetry object.
Such uses are flagged; ``legacy.py`` then keeps the object on OpenTracing.
"""

from __future__ import annotations

from typing import Optional

import libcst as cst

from otelbridge.migration_tool.engine.expr import from_cst
from otelbridge.migration_tool.model import CONVERTIBLE, Kind, index_kind, is_variable
from otelbridge.migration_tool.names import REFERENCE_FUNCS, SET_GLOBAL_TRACER
from otelbridge.migration_tool.transforms.assertions import (
    TRUTH_CHECKS,
    checks_current_span,
    compares_only,
)
from otelbridge.migration_tool.transforms.base import LegacyTransform
from otelbridge.migration_tool.transforms.mocktracer import EXPORTER_METHODS
from otelbridge.migration_tool.transforms.recorded import maps_live_field

_SPAN = frozenset(
    {
        "set_tag",
        "log_kv",
        "log_event",
        "log",
        "finish",
        "set_operation_name",
        "set_baggage_item",
        "get_baggage_item",
        "context",
    }
)
#: The attributes the transforms map, per kind; ``None``: any (scopes are checked by ``spans``).
MAPPED: dict[Kind, Optional[frozenset[str]]] = {
    Kind.TRACER: frozenset(
        {"start_span", "start_active_span", "inject", "extract", "active_span"}
        | EXPORTER_METHODS.keys()  # a MockTracer's, or marked by ``mocktracer.py``
    ),
    Kind.SPAN: _SPAN,
    Kind.CURRENT_SPAN: _SPAN,
    Kind.SCOPE: None,
    Kind.SPAN_CONTEXT: frozenset({"trace_id", "span_id", "baggage"}),
    Kind.EXTRACTED: frozenset(),
    Kind.JAEGER_CONFIG: frozenset({"initialize_tracer"}),
}
#: Calls that take OpenTracing objects and are mapped with the call they are an argument of.
CONSUMERS = frozenset(REFERENCE_FUNCS) | SET_GLOBAL_TRACER
#: Kinds whose truth value changes: OpenTelemetry's current span and extracted context are never
#: None.
MAYBE_NONE = (Kind.CURRENT_SPAN, Kind.EXTRACTED)


class Escapes(LegacyTransform):
    DESCRIPTION = "Flag OpenTracing objects that escape to code the migration cannot see."

    def _escape(self, node: cst.BaseExpression, how: str) -> None:
        kind = self.kind(node)
        if kind in CONVERTIBLE:
            assert kind is not None
            self.flag(node, "escapes", f"OpenTracing {kind.value} {how}: kept on OpenTracing")

    def _mapped(self, node: cst.Attribute) -> bool:
        kind = self.kind(node.value)
        if kind not in CONVERTIBLE:
            return False
        assert kind is not None
        names = MAPPED[kind]
        return names is None or node.attr.value in names

    # -- handed to other code ----------------------------------------------------------------
    def visit_Call(self, node: cst.Call) -> None:
        handed = [item.value for item in node.args if self.kind(item.value) in CONVERTIBLE]
        if not handed:
            return
        func = node.func
        if isinstance(func, cst.Attribute) and self._mapped(func):
            return
        if self.model.qualified_names(func) & CONSUMERS:
            return
        if compares_only(node):
            self._compared(node, handed)
            return
        sinks = self._parameters(node)
        for value in handed:
            if sinks.get(value) != self.kind(value):
                self._escape(value, "passed to other code")

    def _compared(self, call: cst.Call, handed: list[cst.BaseExpression]) -> None:
        """An assertion only compares what it is given, unless it tests for ``None`` or truth
        an object OpenTelemetry never makes ``None`` (and ``assertions.py`` does not map)."""
        func = call.func
        if checks_current_span(self, call) or not (
            isinstance(func, cst.Attribute) and func.attr.value in TRUTH_CHECKS
        ):
            return
        for value in handed:
            if self.kind(value) in MAYBE_NONE:
                self._escape(value, "tested for None or truth in an assertion")

    def _parameters(self, call: cst.Call) -> dict[cst.BaseExpression, Optional[Kind]]:
        """For a call of a project function: the kind (whole-project index) of the parameter
        each argument fills. An object given to a parameter of its own kind is converted on
        both sides: it does not escape."""
        project = self.model.project
        if project is None:
            return {}
        index, module = project
        found = index.param_kinds(module, self.model.qualname(call), from_cst(call.func))
        if found is None:
            return {}
        positional, kinds = found
        sinks: dict[cst.BaseExpression, Optional[Kind]] = {}
        for number, item in enumerate(call.args):
            name = item.keyword.value if item.keyword is not None else None
            if name is None and not item.star and number < len(positional):
                name = positional[number]
            kind = index_kind(kinds.get(name)) if name else None
            if kind is not None:
                sinks[item.value] = kind
        return sinks

    def visit_Return(self, node: cst.Return) -> None:
        if node.value is None:
            return
        project = self.model.project
        if project is not None:
            index, module = project
            kind = index_kind(index.return_kind(module, self.model.qualname(node)))
            if kind is not None and kind is self.kind(node.value):
                return  # every caller in the project receives it as converted
        self._escape(node.value, "returned")

    def visit_Yield(self, node: cst.Yield) -> None:
        if isinstance(node.value, cst.BaseExpression):
            self._escape(node.value, "yielded")

    def visit_Element(self, node: cst.Element) -> None:
        self._escape(node.value, "put in a container")

    def visit_DictElement(self, node: cst.DictElement) -> None:
        self._escape(node.key, "put in a container")
        self._escape(node.value, "put in a container")

    def visit_Assign(self, node: cst.Assign) -> None:
        if not all(is_variable(target.target) for target in node.targets):
            self._escape(node.value, "stored in another object")

    def visit_AnnAssign(self, node: cst.AnnAssign) -> None:
        if node.value is not None and not is_variable(node.target):
            self._escape(node.value, "stored in another object")

    # -- used in ways the transforms do not map -----------------------------------------------
    def visit_Attribute(self, node: cst.Attribute) -> None:
        kind = self.kind(node.value)
        if kind in CONVERTIBLE and not self._mapped(node) and not maps_live_field(self.state, node):
            assert kind is not None
            self.flag(
                node,
                "unknown-use",
                f"`{node.attr.value}` of an OpenTracing {kind.value} is not mapped: "
                "kept on OpenTracing",
            )

    def visit_If(self, node: cst.If) -> None:
        self._condition(node.test)

    def visit_While(self, node: cst.While) -> None:
        self._condition(node.test)

    def visit_IfExp(self, node: cst.IfExp) -> None:
        self._condition(node.test)

    def visit_BooleanOperation(self, node: cst.BooleanOperation) -> None:
        self._condition(node.left)
        self._condition(node.right)

    def visit_UnaryOperation(self, node: cst.UnaryOperation) -> None:
        if isinstance(node.operator, cst.Not):
            self._condition(node.expression)

    def visit_Comparison(self, node: cst.Comparison) -> None:
        if self.kind(node.left) is Kind.EXTRACTED or any(
            self.kind(target.comparator) is Kind.EXTRACTED for target in node.comparisons
        ):
            self.flag(
                node,
                "escapes",
                "extracted context compared: OpenTelemetry's is never None, kept on OpenTracing",
            )

    def _condition(self, node: cst.BaseExpression) -> None:
        kind = self.kind(node)
        if kind in MAYBE_NONE:
            assert kind is not None
            self.flag(
                node,
                "escapes",
                f"OpenTracing {kind.value} tested for truth (OpenTelemetry's is never None): "
                "kept on OpenTracing",
            )
