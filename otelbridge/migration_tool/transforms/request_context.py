"""opentracing-instrumentation's request context → the OpenTelemetry context.

Applications traced with opentracing-instrumentation read the active span with
``request_context.get_current_span()`` and make a span active with ``with span_in_context(span):``
(``span_in_stack_context`` under Tornado). OpenTelemetry's context does both: the first becomes
``trace.get_current_span()`` (the model knows it as the current span, so a ``child_of=`` it feeds
converts) and the second ``trace.use_span(span, end_on_exit=False)``, which activates without
ending, as ``span_in_context`` did. An activation used otherwise than as a ``with`` item, or of a
span kept on OpenTracing, stays as written, marked.
"""

from __future__ import annotations

import libcst as cst
from libcst.codemod import CodemodContext

from otelbridge.migration_tool.model import SPANS
from otelbridge.migration_tool.names import CURRENT_SPAN_CALLS, SPAN_ACTIVATIONS
from otelbridge.migration_tool.transforms.arguments import Review
from otelbridge.migration_tool.transforms.base import LegacyTransform
from otelbridge.migration_tool.transforms.integration_args import defined_in_project


class RequestContext(LegacyTransform):
    DESCRIPTION = "opentracing-instrumentation's request context to the OpenTelemetry context."

    def __init__(self, context: CodemodContext) -> None:
        super().__init__(context)
        #: calls that are the whole item of a ``with``
        self._with_items: set[cst.Call] = set()
        #: whether the module may use the request context at all (most do not: no call is asked)
        self._active = False

    def visit_Module(self, node: cst.Module) -> None:
        self._active = self.spells("opentracing_instrumentation")

    def visit_WithItem(self, node: cst.WithItem) -> None:
        if isinstance(node.item, cst.Call):
            self._with_items.add(node.item)

    def _named(self, call: cst.Call, names: frozenset[str]) -> bool:
        found = self.model.qualified_names(call.func) & names
        return bool(found) and not any(defined_in_project(self, name) for name in found)

    def leave_Call(self, original_node: cst.Call, updated_node: cst.Call) -> cst.BaseExpression:
        if not self._active:
            return updated_node
        if self._named(original_node, CURRENT_SPAN_CALLS) and not original_node.args:
            if self.kept(original_node):
                return updated_node
            self.rewrote()
            return self.expr(original_node, "{trace}.get_current_span()")
        if not self._named(original_node, SPAN_ACTIVATIONS):
            return updated_node
        try:
            if original_node not in self._with_items or len(original_node.args) != 1:
                raise Review("span activation used other than as a with item: activate by hand")
            span = original_node.args[0]
            if span.keyword is not None or span.star or self.kind(span.value) not in SPANS:
                raise Review("activated span is not provably an OpenTracing span")
        except Review as review:
            self.flag(original_node, "request-context", str(review))
            return updated_node
        self.rewrote()
        return self.expr(
            original_node,
            "{trace}.use_span(SPAN, end_on_exit=False)",
            SPAN=updated_node.args[0].value,
        )
