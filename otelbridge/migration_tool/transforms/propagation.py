"""``tracer.inject``/``tracer.extract`` with text formats → ``opentelemetry.propagate``."""

from __future__ import annotations

from typing import Optional

import libcst as cst

from otelbridge.migration_tool.model import Kind
from otelbridge.migration_tool.names import FORMAT_PREFIXES, FORMAT_VALUES, TEXT_FORMATS
from otelbridge.migration_tool.transforms.arguments import Review
from otelbridge.migration_tool.transforms.base import arg, literal
from otelbridge.migration_tool.transforms.statements import StatementAware


class Propagation(StatementAware):
    DESCRIPTION = "OpenTracing inject/extract to opentelemetry.propagate."

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
        return result

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
        if isinstance(source, cst.Attribute) and source.attr.value == "context":
            owner = self.kind(source.value)
            if owner is Kind.CURRENT_SPAN:
                return self.expr(original, "{propagate}.inject(CARRIER)", CARRIER=carrier_new)
            span = _span_of(self._new(original, updated, span_context))
            if owner is Kind.SPAN and not self.kept(source.value) and span is not None:
                # a span's own context: put the span itself in the context to inject
                return self.expr(
                    original,
                    "{propagate}.inject(CARRIER, context={trace}.set_span_in_context(SPAN))",
                    CARRIER=carrier_new,
                    SPAN=span,
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
            CTX=self._new(original, updated, span_context),
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
