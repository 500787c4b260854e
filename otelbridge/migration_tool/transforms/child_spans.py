"""OpenTracing's ``start_child_span(parent_span, operation_name, tags, start_time)`` →
``trace.get_tracer(__name__).start_span(operation_name, context=set_span_in_context(parent))``.

OpenTracing starts the child on the parent's own tracer (``parent_span.tracer``); the migrated
call takes the module's tracer from the global provider, which records the parent's spans too
once the tracer that made the parent is migrated (a parent kept on OpenTracing keeps the call).
The arguments map as a ``start_span(child_of=parent, ...)``'s do (``arguments.py``): tags to
attributes (a ``span.kind`` tag to ``kind=``), seconds to nanoseconds.
"""

from __future__ import annotations

import libcst as cst

from otelbridge.migration_tool.model import SPANS
from otelbridge.migration_tool.names import CHILD_SPAN_CALLS
from otelbridge.migration_tool.transforms.arguments import Review, map_creation_args
from otelbridge.migration_tool.transforms.base import LegacyTransform

RULE = "child-span"
#: ``start_child_span``'s parameters, in order, with the ``start_span`` parameter each maps to
_PARAMETERS = (
    ("parent_span", "child_of"),
    ("operation_name", "operation_name"),
    ("tags", "tags"),
    ("start_time", "start_time"),
)


class ChildSpans(LegacyTransform):
    DESCRIPTION = "OpenTracing's start_child_span() to an OpenTelemetry tracer's start_span()."

    def leave_Call(self, original_node: cst.Call, updated_node: cst.Call) -> cst.BaseExpression:
        func = original_node.func
        last = func.attr if isinstance(func, cst.Attribute) else func
        if not isinstance(last, cst.Name) or last.value != "start_child_span":
            return updated_node
        if not self.model.qualified_names(func) & CHILD_SPAN_CALLS or self.kept(original_node):
            return updated_node
        try:
            old_args, new_args = _as_start_span(original_node), _as_start_span(updated_node)
            parents = [a for a in old_args if a.keyword and a.keyword.value == "child_of"]
            parent = parents[0] if parents else None
            if parent is None:
                raise Review("start_child_span without a parent span: arguments are not mapped")
            if self.kind(parent.value) not in SPANS:
                raise Review("start_child_span's parent is not provably an OpenTracing span")
            args = map_creation_args(
                self,
                original_node.with_changes(args=old_args),
                updated_node.with_changes(args=new_args),
                current=False,
            )
        except Review as review:
            self.flag(original_node, RULE, str(review))
            return updated_node
        self.rewrote()
        start = self.expr(original_node, "{trace}.get_tracer(__name__).start_span")
        return updated_node.with_changes(func=start, args=args)


def _as_start_span(call: cst.Call) -> list[cst.Arg]:
    """``call``'s arguments by ``start_span``'s keywords (the same value nodes); raises
    :class:`Review` for arguments it does not take."""
    by_position = [name for name, _ in _PARAMETERS]
    renamed = dict(_PARAMETERS)
    args = []
    for index, given in enumerate(call.args):
        if given.star:
            raise Review("start_child_span with *args/**kwargs: arguments cannot be mapped")
        if given.keyword is not None:
            name = given.keyword.value
        elif index < len(by_position):
            name = by_position[index]
        else:
            raise Review("start_child_span arguments are not mapped")
        if name not in renamed:
            raise Review(f"unknown start_child_span argument: {name}")
        args.append(given.with_changes(keyword=cst.Name(renamed[name]), equal=cst.AssignEqual()))
    return args
