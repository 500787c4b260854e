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

from otelbridge.migration_tool.model import SPANS
from otelbridge.migration_tool.names import CURRENT_SPAN_CALLS, SPAN_ACTIVATIONS
from otelbridge.migration_tool.transforms.arguments import Review
from otelbridge.migration_tool.transforms.instrumentation import InstrumentationTransform


class RequestContext(InstrumentationTransform):
    DESCRIPTION = "opentracing-instrumentation's request context to the OpenTelemetry context."

    def leave_Call(self, original_node: cst.Call, updated_node: cst.Call) -> cst.BaseExpression:
        if not self._active:
            return updated_node
        if self.named(original_node.func, CURRENT_SPAN_CALLS) and not original_node.args:
            if self.kept(original_node):
                return updated_node
            self.rewrote()
            return self.expr(original_node, "{trace}.get_current_span()")
        if not self.named(original_node.func, SPAN_ACTIVATIONS):
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
