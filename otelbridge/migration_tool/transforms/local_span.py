"""opentracing-instrumentation's local spans → OpenTelemetry's current spans.

``@traced_function`` (or ``@traced_function(name=...)``) wraps a call in a child of the current
span named after the function, and ``with func_span(name, tags=...) [as span]:`` makes one for a
block; both make it current and end it after. ``tracer.start_as_current_span`` does the same, as a
decorator and as a ``with`` item, and records an exception the way the bridge maps
opentracing-instrumentation's error tag and log. Kept as written, marked: ``on_start=`` and
``require_active_trace=`` (no equivalent), a decorated ``async def`` or generator (the wrapper
would end the span before the work), ``func_span`` used other than as a ``with`` item.
``start_child_span(name, tracer=, parent=, tags=)`` (``opentracing_instrumentation.utils``)
becomes ``tracer.start_span(name, ...)``.
"""

from __future__ import annotations

from typing import Optional

import libcst as cst

from otelbridge.migration_tool.model import SPANS, Kind
from otelbridge.migration_tool.names import FUNC_SPAN, START_CHILD_SPAN, TRACED_FUNCTIONS
from otelbridge.migration_tool.transforms.arguments import Review
from otelbridge.migration_tool.transforms.base import arg
from otelbridge.migration_tool.transforms.instrumentation import InstrumentationTransform

RULE = "local-span"
_TRACER = "{trace}.get_tracer(__name__)"
_START = _TRACER + ".start_as_current_span"
#: ``start_child_span``'s parameters after the name, in order
_CHILD_ARGS = ((1, "tracer"), (2, "parent"), (3, "tags"))


class LocalSpans(InstrumentationTransform):
    DESCRIPTION = "opentracing-instrumentation's traced_function and func_span to OpenTelemetry."

    def leave_Call(self, original_node: cst.Call, updated_node: cst.Call) -> cst.BaseExpression:
        if not self._active:
            return updated_node
        if self.named(original_node.func, frozenset({START_CHILD_SPAN})):
            return self._child_span(original_node, updated_node)
        if not self.named(original_node.func, frozenset({FUNC_SPAN})):
            return updated_node
        try:
            if original_node not in self._with_items:
                raise Review("func_span used other than as a with item: start the span by hand")
            name = arg(updated_node, "operation_name", 0)
            tags = arg(updated_node, "tags", 1)
            if name is None or len(updated_node.args) != 1 + (tags is not None):
                raise Review("func_span arguments other than the name and tags have no equivalent")
        except Review as review:
            self.flag(original_node, RULE, str(review))
            return updated_node
        self.rewrote()
        if tags is None:
            return self.expr(original_node, _START + "(NAME)", NAME=name.value)
        return self.expr(
            original_node, _START + "(NAME, attributes=TAGS)", NAME=name.value, TAGS=tags.value
        )

    def _child_span(self, original: cst.Call, updated: cst.Call) -> cst.BaseExpression:
        """``start_child_span(name, tracer, parent, tags)`` -> ``tracer.start_span(name,
        context=..., attributes=tags)``: the parent's context, or the current one (OpenTracing
        parented a span given no parent on the active one too)."""
        name = arg(updated, "operation_name", 0)
        given = {key: (arg(original, key, at), arg(updated, key, at)) for at, key in _CHILD_ARGS}
        tracer, parent, tags = (given[key] for _, key in _CHILD_ARGS)
        parent_kind = self.kind(parent[0].value) if parent[0] is not None else None
        try:
            if name is None or any(a.star for a in original.args):
                raise Review("start_child_span arguments are not mapped")
            if len(original.args) != 1 + sum(old is not None for old, _ in given.values()):
                raise Review("start_child_span arguments are not mapped")
            if tracer[0] is not None and self.kind(tracer[0].value) is not Kind.TRACER:
                raise Review("start_child_span's tracer is not provably an OpenTracing tracer")
            if parent[0] is not None and parent_kind not in SPANS:
                raise Review("start_child_span's parent is not provably an OpenTracing span")
        except Review as review:
            self.flag(original, RULE, str(review))
            return updated
        self.rewrote()
        nodes: dict[str, cst.BaseExpression] = {"NAME": name.value}
        template = "TRACER.start_span(NAME"
        if tracer[1] is None:
            template = _TRACER + ".start_span(NAME"
        else:
            nodes["TRACER"] = tracer[1].value
        if parent[1] is not None and parent_kind is Kind.SPAN:  # not the current span: its own
            template += ", context={trace}.set_span_in_context(PARENT) if PARENT else None"
            nodes["PARENT"] = parent[1].value
        if tags[1] is not None:
            template += ", attributes=TAGS"
            nodes["TAGS"] = tags[1].value
        return self.expr(original, template + ")", **nodes)

    def leave_FunctionDef(
        self, original_node: cst.FunctionDef, updated_node: cst.FunctionDef
    ) -> cst.FunctionDef:
        if not self._active:
            return updated_node
        decorators = list(updated_node.decorators)
        for index, decorator in enumerate(original_node.decorators):
            replaced = self._decorator(original_node, decorator)
            if replaced is not None:
                decorators[index] = decorators[index].with_changes(decorator=replaced)
        return updated_node.with_changes(decorators=decorators)

    def _decorator(
        self, function: cst.FunctionDef, decorator: cst.Decorator
    ) -> Optional[cst.BaseExpression]:
        """``start_as_current_span(name)`` for a ``@traced_function`` decorator."""
        given = decorator.decorator
        call = given if isinstance(given, cst.Call) else None
        if not self.named(call.func if call is not None else given, TRACED_FUNCTIONS):
            return None
        try:
            if function.asynchronous is not None or _yields(function):
                raise Review("traced_function on a coroutine or generator: trace it by hand")
            named = arg(call, "name", 0) if call is not None else None
            if call is not None and len(call.args) != (named is not None):
                raise Review("traced_function arguments other than name= have no equivalent")
        except Review as review:
            self.flag(decorator, RULE, str(review))
            return None
        self.rewrote()
        name = named.value if named is not None else self.string(function.name.value)
        return self.expr(decorator, _START + "(NAME)", NAME=name)


def _yields(function: cst.FunctionDef) -> bool:
    """Whether ``function`` itself (not a function nested in it) is a generator."""
    found = []

    class _Yields(cst.CSTVisitor):
        def visit_Yield(self, node: cst.Yield) -> None:
            found.append(node)

        def visit_FunctionDef(self, node: cst.FunctionDef) -> bool:
            return node is function

        def visit_Lambda(self, node: cst.Lambda) -> bool:
            return False

    function.visit(_Yields())
    return bool(found)
