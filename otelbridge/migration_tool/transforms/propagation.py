"""``tracer.inject``/``tracer.extract`` with text formats → ``opentelemetry.propagate``.

OpenTracing's inject/extract raise ``UnsupportedFormatException``, ``InvalidCarrierException`` or
``SpanContextCorruptedException``; ``opentelemetry.propagate`` never does (a bad carrier gives an
empty context). So an ``except`` of only those, around a ``try`` whose every inject/extract was
converted and that calls no function of the project (which might still raise them; the tracer's
getter an inject was called on is no longer called), is dead code:
it goes, and a ``try`` left without handlers becomes its body.
"""

from __future__ import annotations

from typing import Optional, Union

import libcst as cst
from libcst.codemod import CodemodContext

from otelbridge.migration_tool.engine.expr import from_cst
from otelbridge.migration_tool.model import Kind
from otelbridge.migration_tool.names import FORMAT_PREFIXES, FORMAT_VALUES, TEXT_FORMATS
from otelbridge.migration_tool.transforms.arguments import Review
from otelbridge.migration_tool.transforms.base import arg, literal
from otelbridge.migration_tool.transforms.statements import StatementAware
from otelbridge.migration_tool.walk import walk

#: what OpenTracing's inject/extract raise (``opentracing`` re-exports them)
PROPAGATION_ERRORS = frozenset(
    f"opentracing{module}.{name}"
    for module in ("", ".propagation")
    for name in (
        "UnsupportedFormatException",
        "InvalidCarrierException",
        "SpanContextCorruptedException",
    )
)


class Propagation(StatementAware):
    DESCRIPTION = "OpenTracing inject/extract to opentelemetry.propagate."

    def __init__(self, context: CodemodContext) -> None:
        super().__init__(context)
        self._converted: set[cst.CSTNode] = set()

    def _format(self, node: Optional[cst.Arg]) -> str:
        if node is None:
            raise Review("propagation format missing")
        value = literal(node.value)
        if not isinstance(value, str):
            value = ""
            for name in self.model.qualified_names(node.value):
                for prefix in FORMAT_PREFIXES:
                    if name.startswith(prefix):
                        value = FORMAT_VALUES.get(name[len(prefix) :], "")
        if value == "binary":
            raise Review("Format.BINARY has no OpenTelemetry propagator")
        if value not in TEXT_FORMATS:
            raise Review("propagation format is not a known opentracing.Format")
        return value

    def leave_Call(self, original_node: cst.Call, updated_node: cst.Call) -> cst.BaseExpression:
        func = original_node.func
        if not isinstance(func, cst.Attribute) or func.attr.value not in ("inject", "extract"):
            return updated_node
        owner = self.kind(func.value)
        if self.kept(original_node):
            return updated_node
        if owner is Kind.UNKNOWN:
            self.flag(
                original_node,
                "unknown-tracer",
                "tracer of unknown type: inject/extract not rewritten",
            )
        if owner is not Kind.TRACER:
            return updated_node
        try:
            result = (self._inject if func.attr.value == "inject" else self._extract)(
                original_node, updated_node
            )
        except Review as review:
            self.flag(original_node, "propagation", str(review))
            return updated_node
        self.rewrote()
        self._converted.add(original_node)
        return result

    # -- handlers of what OpenTracing raised ---------------------------------------------------
    def leave_Try(
        self, original_node: cst.Try, updated_node: cst.Try
    ) -> Union[cst.BaseStatement, cst.FlattenSentinel[cst.BaseStatement]]:
        dead = [self._dead(handler) for handler in original_node.handlers]
        if not any(dead) or not self._all_converted(original_node.body):
            return updated_node
        body, orelse = updated_node.body, updated_node.orelse
        if not isinstance(body, cst.IndentedBlock) or (
            orelse is not None and not isinstance(orelse.body, cst.IndentedBlock)
        ):
            return updated_node  # one-line suites: left as they are
        self.rewrote()
        handlers = [new for new, gone in zip(updated_node.handlers, dead) if not gone]
        statements: list[cst.BaseStatement] = list(body.body)
        if orelse is not None:
            assert isinstance(orelse.body, cst.IndentedBlock)
            statements.extend(orelse.body.body)
        if handlers:
            return updated_node.with_changes(handlers=handlers)
        if updated_node.finalbody is not None:  # ``else`` needs an ``except``: it joins the body
            return updated_node.with_changes(
                handlers=[], body=body.with_changes(body=statements), orelse=None
            )
        first = statements[0]
        if isinstance(first, (cst.SimpleStatementLine, cst.BaseCompoundStatement)):
            statements[0] = first.with_changes(
                leading_lines=[*updated_node.leading_lines, *first.leading_lines]
            )
        return cst.FlattenSentinel(statements)

    def _dead(self, handler: cst.ExceptHandler) -> bool:
        """``except`` of only what OpenTracing's propagation raises (no ``as`` name used)."""
        kinds = handler.type
        if kinds is None or handler.name is not None:
            return False
        types = [e.value for e in kinds.elements] if isinstance(kinds, cst.Tuple) else [kinds]
        return all(self.model.qualified_names(t) & PROPAGATION_ERRORS for t in types)

    def _all_converted(self, body: cst.BaseSuite) -> bool:
        """Every inject/extract in ``body`` converted, and no call of a project function."""
        calls = [node for node in walk(body) if isinstance(node, cst.Call)]
        propagating = [
            call
            for call in calls
            if isinstance(call.func, cst.Attribute)
            and call.func.attr.value in ("inject", "extract")
        ]
        if not propagating or any(call not in self._converted for call in propagating):
            return False
        project = self.model.project
        if project is None:
            return True
        index, module = project
        # the tracer an inject/extract was called on is gone from the converted call
        dropped = {node for call in propagating for node in walk(call.func)}
        return not any(
            index.callee(
                module, index.function(module, self.model.qualname(call)), from_cst(call.func)
            )
            for call in calls
            if call not in dropped
        )

    def _new(self, original: cst.Call, updated: cst.Call, item: cst.Arg) -> cst.BaseExpression:
        return updated.args[original.args.index(item)].value

    def _inject(self, original: cst.Call, updated: cst.Call) -> cst.BaseExpression:
        if any(a.star for a in original.args) or not self.discarded(original):
            raise Review("inject() call cannot be mapped")
        span_context = arg(original, "span_context", 0)
        self._format(arg(original, "format", 1))
        carrier = arg(original, "carrier", 2)
        if span_context is None or carrier is None:
            raise Review("inject() arguments missing")
        carrier_new = self._new(original, updated, carrier)
        source = span_context.value
        new = self._new(original, updated, span_context)
        # the span whose context goes: ``span.context``, or the span itself (OpenTracing's
        # tracers take either); injected from the context that span is in
        if isinstance(source, cst.Attribute) and source.attr.value == "context":
            span, span_new = source.value, _span_of(new)
        else:
            span, span_new = source, new
        owner = self.kind(span)
        if owner is Kind.CURRENT_SPAN:
            return self.expr(original, "{propagate}.inject(CARRIER)", CARRIER=carrier_new)
        if owner is Kind.SPAN and span_new is not None:
            return self.expr(
                original,
                "{propagate}.inject(CARRIER, context={trace}.set_span_in_context(SPAN))",
                CARRIER=carrier_new,
                SPAN=span_new,
            )
        if self.kept(source):
            raise Review("inject() of a span context kept on OpenTracing: kept too")
        if self.kind(source) is not Kind.SPAN_CONTEXT:
            raise Review("inject() span context is not provably an OpenTracing span context")
        return self.expr(
            original,
            "{propagate}.inject(CARRIER, context="
            "{trace}.set_span_in_context({trace}.NonRecordingSpan(CTX)))",
            CARRIER=carrier_new,
            CTX=new,
        )

    def _extract(self, original: cst.Call, updated: cst.Call) -> cst.BaseExpression:
        if any(a.star for a in original.args):
            raise Review("extract() call cannot be mapped")
        self._format(arg(original, "format", 0))
        carrier = arg(original, "carrier", 1)
        if carrier is None:
            raise Review("extract() carrier missing")
        return self.expr(
            original, "{propagate}.extract(CARRIER)", CARRIER=self._new(original, updated, carrier)
        )


def _span_of(context: cst.BaseExpression) -> Optional[cst.BaseExpression]:
    """The span of ``span.get_span_context()`` (how ``span.context`` is rewritten)."""
    if (
        isinstance(context, cst.Call)
        and isinstance(context.func, cst.Attribute)
        and not context.args
        and context.func.attr.value in ("get_span_context", "context")
    ):
        return context.func.value
    if isinstance(context, cst.Attribute) and context.attr.value == "context":
        return context.value
    return None
