"""OpenTracing type hints -> OpenTelemetry's, on the names that convert.

``def _tag(span: Span)``, ``self._tracer: Tracer = tracer``, ``ctx: Optional[SpanContext] =
tracer.extract(...)``: a hint follows what the name it annotates holds once migrated, so the
OpenTracing import can go. The new type is read from that kind, not from the hint (an extracted
``SpanContext`` is an OpenTelemetry ``Context`` after the rewrite); a name kept on OpenTracing, or
of unknown kind, keeps its hint. A return hint follows what the function gives its callers: the
kind of its return values, or, where the file cannot tell one (``return self._tracer or
opentracing.tracer``), the project index's, which the callers convert with. Only the OpenTracing
type inside the hint changes (``Optional[...]`` and the like stay).
"""

from __future__ import annotations

from typing import Optional, Union

import libcst as cst

from otelbridge.migration_tool.flow_rules import ANNOTATIONS
from otelbridge.migration_tool.model import Kind, index_kind
from otelbridge.migration_tool.transforms.base import LegacyTransform, literal

#: the kind a hint's class names (``flow_rules.ANNOTATIONS``) -> the kinds of the objects it
#: describes once the code runs: a span hint fits the current span, a span context hint what
#: ``extract`` returns
_DESCRIBED = {
    Kind.TRACER: (Kind.TRACER,),
    Kind.SPAN: (Kind.SPAN, Kind.CURRENT_SPAN),
    Kind.SPAN_CONTEXT: (Kind.SPAN_CONTEXT, Kind.EXTRACTED),
}
#: kind of the migrated object -> the OpenTelemetry class that describes it (a template of
#: ``LegacyTransform.expr``: the module is imported as the other rewrites import it)
_OPENTELEMETRY_TYPES = {
    Kind.TRACER: "{trace}.Tracer",
    Kind.SPAN: "{trace}.Span",
    Kind.CURRENT_SPAN: "{trace}.Span",
    Kind.SPAN_CONTEXT: "{trace}.SpanContext",
    Kind.EXTRACTED: "{otel_context}.Context",
}


class TypeHints(LegacyTransform):
    DESCRIPTION = "OpenTracing type hints to OpenTelemetry's."

    def leave_Param(self, original_node: cst.Param, updated_node: cst.Param) -> cst.Param:
        hint = self._retyped(original_node.name, original_node.annotation, updated_node.annotation)
        return updated_node if hint is None else updated_node.with_changes(annotation=hint)

    def leave_AnnAssign(
        self, original_node: cst.AnnAssign, updated_node: cst.AnnAssign
    ) -> cst.AnnAssign:
        target = original_node.target
        if not isinstance(target, (cst.Name, cst.Attribute)):
            return updated_node
        hint = self._retyped(target, original_node.annotation, updated_node.annotation)
        return updated_node if hint is None else updated_node.with_changes(annotation=hint)

    def leave_FunctionDef(
        self, original_node: cst.FunctionDef, updated_node: cst.FunctionDef
    ) -> cst.FunctionDef:
        """``-> Span``: the kind of what the function gives its callers."""
        if original_node.returns is None or updated_node.returns is None:
            return updated_node
        kind = self._result_kind(original_node)
        hint = self._typed(kind, original_node, original_node.returns, updated_node.returns)
        return updated_node if hint is None else updated_node.with_changes(returns=hint)

    def _result_kind(self, function: cst.FunctionDef) -> Optional[Kind]:
        """The kind of every value the function returns (a literal ``None`` aside: ``->
        Optional[Span]``); where the model cannot tell one kind (``self._tracer or
        opentracing.tracer`` of a parameter nobody fills), the kind the project index gives the
        callers, whose uses of the result convert with that kind."""
        returned = [value for value in _returned(function) if literal(value) is not None]
        kinds = {self.kind(value) for value in returned}
        if len(kinds) == 1 and Kind.UNKNOWN not in kinds:
            return kinds.pop()
        if not returned or Kind.LEGACY in kinds or self.model.project is None:
            return None
        index, module = self.model.project
        return index_kind(index.return_kind(module, self.model.qualname(returned[0])))

    def _retyped(
        self,
        named: Union[cst.Name, cst.Attribute],
        original: Optional[cst.Annotation],
        updated: Optional[cst.Annotation],
    ) -> Optional[cst.Annotation]:
        """``updated`` with the OpenTracing class it names replaced, if ``named`` converts."""
        if original is None or updated is None:
            return None
        kind = self.kind(named)
        return self._typed(kind, named, original, updated)

    def _typed(
        self,
        kind: Optional[Kind],
        node: cst.CSTNode,
        original: cst.Annotation,
        updated: cst.Annotation,
    ) -> Optional[cst.Annotation]:
        """``updated`` with the OpenTracing class that describes ``kind`` replaced by its
        OpenTelemetry one (imported for ``node``)."""
        if kind not in _OPENTELEMETRY_TYPES or not (self.spells("Span") or self.spells("Tracer")):
            return None
        found = [n for n in _type_names(original.annotation) if self._describes(n, kind)]
        if len(found) != 1:
            return None
        assert kind is not None  # a key of _OPENTELEMETRY_TYPES
        typed = self.expr(node, _OPENTELEMETRY_TYPES[kind])
        replaced = original.annotation.deep_replace(found[0], typed)
        assert isinstance(replaced, cst.BaseExpression)  # an expression's part replaced
        self.rewrote()
        return updated.with_changes(annotation=replaced)

    def _describes(self, node: Union[cst.Name, cst.Attribute], kind: Kind) -> bool:
        hinted = {ANNOTATIONS.get(name) for name in self.model.qualified_names(node)}
        return any(kind in _DESCRIBED.get(h, ()) for h in hinted if h is not None)


def _returned(function: cst.FunctionDef) -> list[cst.BaseExpression]:
    """The values the function's own ``return`` statements give (not those of nested
    functions); empty if one returns nothing."""
    found: list[cst.BaseExpression] = []
    bare = []

    class _Returns(cst.CSTVisitor):
        def visit_Return(self, node: cst.Return) -> None:
            if node.value is None:
                bare.append(node)
            else:
                found.append(node.value)

        def visit_FunctionDef(self, node: cst.FunctionDef) -> bool:
            return node is function

        def visit_Lambda(self, node: cst.Lambda) -> bool:
            return False

        def visit_ClassDef(self, node: cst.ClassDef) -> bool:
            return False

    function.visit(_Returns())
    return [] if bare else found


def _type_names(annotation: cst.BaseExpression) -> list[Union[cst.Name, cst.Attribute]]:
    """The names and dotted names in a hint (``Optional[opentracing.Span]``: ``Optional``,
    ``opentracing.Span``), outermost first."""
    found: list[Union[cst.Name, cst.Attribute]] = []

    class _Names(cst.CSTVisitor):
        def visit_Attribute(self, node: cst.Attribute) -> bool:
            found.append(node)
            return False

        def visit_Name(self, node: cst.Name) -> None:
            found.append(node)

    annotation.visit(_Names())
    return found
