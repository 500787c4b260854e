"""``with tracer_stack_context():`` around Tornado code: the block, without the ``with``.

OpenTracing's Tornado scope manager keeps the active scope in a Tornado ``StackContext``, which a
``with tracer_stack_context():`` block sets up so that callbacks scheduled inside see it.
OpenTelemetry's context is a ``contextvars`` variable, which asyncio (Tornado 5 and later) copies
into every task and callback by itself: the block has nothing left to set up, and its statements
run as they are.
"""

from __future__ import annotations

from typing import Union

import libcst as cst

from otelbridge.migration_tool.transforms.base import LegacyTransform

STACK_CONTEXTS = frozenset({"opentracing.scope_managers.tornado.tracer_stack_context"})


class StackContexts(LegacyTransform):
    DESCRIPTION = "Drop Tornado tracer_stack_context() blocks (contextvars carry the context)."

    def leave_With(
        self, original_node: cst.With, updated_node: cst.With
    ) -> Union[cst.BaseStatement, cst.FlattenSentinel[cst.BaseStatement]]:
        if len(original_node.items) != 1 or original_node.items[0].asname is not None:
            return updated_node
        call = original_node.items[0].item
        if not isinstance(call, cst.Call) or call.args or original_node.asynchronous:
            return updated_node
        if not self.model.qualified_names(call.func) & STACK_CONTEXTS:
            return updated_node
        if not isinstance(updated_node.body, cst.IndentedBlock):
            return updated_node
        body = [
            s
            for s in updated_node.body.body
            if isinstance(s, (cst.SimpleStatementLine, cst.BaseCompoundStatement))
        ]
        if not body:
            return updated_node
        self.rewrote()
        body[0] = body[0].with_changes(
            leading_lines=[*updated_node.leading_lines, *body[0].leading_lines]
        )
        return cst.FlattenSentinel(body)
