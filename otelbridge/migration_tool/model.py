"""What each expression is in OpenTracing terms (tracer, span, scope...), from scope analysis.

Kinds are inferred on the *original* tree: a name is a span when every assignment that reaches it
(``ScopeProvider``) binds a span; a call is a tracer when its qualified name is
``opentracing.global_tracer``; and so on. Bindings are recorded while the single traversal walks the
module, so an assignment textually after a use is not seen and the use stays unknown (conservative).
"""

from __future__ import annotations

import enum
from typing import Mapping, Optional

import libcst as cst
from libcst.metadata import Assignment, BaseAssignment, ImportAssignment, Scope

from otelbridge.migration_tool.names import GLOBAL_TRACER_ATTRS, GLOBAL_TRACER_CALLS, JAEGER_CONFIG


class Kind(enum.Enum):
    TRACER = "tracer"
    SPAN = "span"
    #: The active span (``tracer.active_span``, ``scope.span``): current in OpenTelemetry terms,
    #: and ``None`` when nothing is active.
    CURRENT_SPAN = "current span"
    SCOPE = "scope"
    SPAN_CONTEXT = "span context"
    #: ``tracer.extract(...)``: becomes an OpenTelemetry ``Context`` after the rewrite.
    EXTRACTED = "extracted context"
    JAEGER_CONFIG = "jaeger config"
    #: Bound from something we cannot see (a parameter, a loop variable, a mix of kinds).
    UNKNOWN = "unknown"


SPANS = (Kind.SPAN, Kind.CURRENT_SPAN)


class LegacyModel:
    """Per-file kind inference; one instance per module, shared by every transform."""

    __slots__ = ("_bindings", "_kinds", "_scopes", "_self_attrs")

    def __init__(self, scopes: Mapping[cst.CSTNode, Optional[Scope]]) -> None:
        self._scopes = scopes
        #: assignment target node (Name / Param) -> the value expression bound to it
        self._bindings: dict[cst.CSTNode, cst.BaseExpression] = {}
        #: ``self.<attr> = value`` anywhere in the module: attr -> values
        self._self_attrs: dict[str, list[cst.BaseExpression]] = {}
        self._kinds: dict[cst.CSTNode, Optional[Kind]] = {}

    # -- recording, called by the traversal -------------------------------------------------
    def record(self, target: cst.BaseExpression, value: cst.BaseExpression) -> None:
        if isinstance(target, cst.Name):
            self._bindings[target] = value
        elif (
            isinstance(target, cst.Attribute)
            and isinstance(target.value, cst.Name)
            and target.value.value == "self"
        ):
            self._self_attrs.setdefault(target.attr.value, []).append(value)

    # -- queries ----------------------------------------------------------------------------
    def scope(self, node: cst.CSTNode) -> Optional[Scope]:
        return self._scopes.get(node)

    def qualified_names(self, node: cst.CSTNode) -> set[str]:
        scope = self._scopes.get(node)
        if scope is None:
            return set()
        return {q.name for q in scope.get_qualified_names_for(node)}

    def assignment_of(self, name: cst.Name) -> Optional[Assignment]:
        """The assignment whose target is this very ``Name`` node (a store)."""
        scope = self._scopes.get(name)
        if scope is None:
            return None
        for assignment in scope.assignments[name.value]:
            if isinstance(assignment, Assignment) and assignment.node is name:
                return assignment
        return None

    def is_imported(self, node: cst.BaseExpression) -> bool:
        """Whether ``node`` is a bare name bound by an import (it may be an alias)."""
        scope = self._scopes.get(node) if isinstance(node, cst.Name) else None
        return scope is not None and any(isinstance(a, ImportAssignment) for a in scope[node.value])  # type: ignore[attr-defined]

    def kind(self, node: cst.BaseExpression) -> Optional[Kind]:
        if node in self._kinds:
            return self._kinds[node]
        self._kinds[node] = None  # cycle guard (``x = x``)
        found = self._infer(node)
        self._kinds[node] = found
        return found

    def is_span(self, node: cst.BaseExpression) -> bool:
        return self.kind(node) in SPANS

    def _infer(self, node: cst.BaseExpression) -> Optional[Kind]:
        if isinstance(node, cst.Name):
            return self._infer_name(node)
        if isinstance(node, cst.Attribute):
            return self._infer_attribute(node)
        if isinstance(node, cst.Call):
            return self._infer_call(node)
        return None

    def _infer_name(self, node: cst.Name) -> Optional[Kind]:
        scope = self._scopes.get(node)
        if scope is None:
            return None
        assignments = scope[node.value]
        if any(isinstance(a, ImportAssignment) for a in assignments):
            return Kind.TRACER if self.qualified_names(node) & GLOBAL_TRACER_ATTRS else None
        kinds = {self._assigned_kind(a) for a in assignments}
        if len(kinds) == 1:
            return kinds.pop()
        if kinds - {None, Kind.UNKNOWN}:
            return Kind.UNKNOWN
        return Kind.UNKNOWN if Kind.UNKNOWN in kinds else None

    def _assigned_kind(self, assignment: BaseAssignment) -> Optional[Kind]:
        if not isinstance(assignment, Assignment):
            return None
        if isinstance(assignment.node, cst.Param):
            return Kind.UNKNOWN
        value = self._bindings.get(assignment.node)
        return None if value is None else self.kind(value)

    def _infer_attribute(self, node: cst.Attribute) -> Optional[Kind]:
        attr = node.attr.value
        if attr == "tracer" and self.qualified_names(node) & GLOBAL_TRACER_ATTRS:
            return Kind.TRACER
        if isinstance(node.value, cst.Name) and node.value.value == "self":
            values = self._self_attrs.get(attr)
            if values:
                kinds = {self.kind(v) for v in values}
                return kinds.pop() if len(kinds) == 1 else Kind.UNKNOWN
            return None
        owner = self.kind(node.value)
        if owner is Kind.UNKNOWN and attr == "span":
            return Kind.UNKNOWN
        if owner is Kind.SCOPE and attr == "span":
            return Kind.CURRENT_SPAN
        if owner is Kind.TRACER and attr == "active_span":
            return Kind.CURRENT_SPAN
        if owner in SPANS and attr == "context":
            return Kind.SPAN_CONTEXT
        if owner in SPANS and attr == "tracer":
            return Kind.TRACER
        if (
            attr == "active"
            and isinstance(node.value, cst.Attribute)
            and node.value.attr.value == "scope_manager"
            and self.kind(node.value.value) is Kind.TRACER
        ):
            return Kind.SCOPE
        return None

    def _infer_call(self, node: cst.Call) -> Optional[Kind]:
        func = node.func
        last = func.attr.value if isinstance(func, cst.Attribute) else getattr(func, "value", "")
        if last in ("global_tracer", "Config") or self.is_imported(func):
            names = self.qualified_names(func)
            if names & GLOBAL_TRACER_CALLS:
                return Kind.TRACER
            if JAEGER_CONFIG in names:
                return Kind.JAEGER_CONFIG
        if not isinstance(func, cst.Attribute):
            return None
        owner = self.kind(func.value)
        method = func.attr.value
        if owner in SPANS and method in (
            "set_tag",
            "log_kv",
            "log_event",
            "log",
            "set_operation_name",
            "set_baggage_item",
        ):
            return owner  # chainable: these return the span
        if owner is Kind.TRACER:
            return {
                "start_span": Kind.SPAN,
                "start_active_span": Kind.SCOPE,
                "extract": Kind.EXTRACTED,
            }.get(method)
        if owner is Kind.JAEGER_CONFIG and method in ("initialize_tracer", "new_tracer"):
            return Kind.TRACER
        if owner is Kind.UNKNOWN and method in ("start_span", "start_active_span"):
            return Kind.UNKNOWN
        return None
