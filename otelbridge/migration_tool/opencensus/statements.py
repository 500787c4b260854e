"""Rewriting one call inside the statement that holds it, for set-up calls that become another
expression in place (a log handler, a gRPC interceptor) while the statement stays."""

from __future__ import annotations

from typing import Callable, Sequence, Union, cast

import libcst as cst

from otelbridge.migration_tool.findings import TODO_PREFIX
from otelbridge.migration_tool.opencensus.names import ROOT
from otelbridge.migration_tool.walk import walk


def only_legacy_call(
    statement: cst.CSTNode, call: cst.Call, names: Callable[[cst.CSTNode], set[str]]
) -> bool:
    """Whether ``call`` is all the OpenCensus ``statement`` names (the rest of it stays as it is,
    so nothing else in it may need a rewrite)."""
    inside = set(walk(call))
    return not any(
        n.split(".")[0] == ROOT
        for node in walk(statement)
        if node not in inside
        for n in names(node)
    )


def with_replaced(
    statement: cst.SimpleStatementLine,
    old: cst.CSTNode,
    new: cst.BaseExpression,
    notes: Sequence[str] = (),
) -> cst.SimpleStatementLine:
    """``statement`` with ``new`` where its node ``old`` was, and ``notes`` above it."""
    replaced = cst.ensure_type(statement.visit(_Replace(old, new)), cst.SimpleStatementLine)
    comments = [cst.EmptyLine(indent=True, comment=cst.Comment(TODO_PREFIX + n)) for n in notes]
    return replaced.with_changes(leading_lines=[*replaced.leading_lines, *comments])


def fresh_name(taken: set[str], name: str) -> str:
    """``name``, or ``name_2``, ...: one not in ``taken`` (the module's names), now taken."""
    chosen, number = name, 1
    while chosen in taken:
        number += 1
        chosen = f"{name}_{number}"
    taken.add(chosen)
    return chosen


def names_in(module: cst.Module) -> set[str]:
    """Every name the code of ``module`` uses."""
    return {n.value for n in walk(module) if isinstance(n, cst.Name)}


class _Replace(cst.CSTTransformer):
    def __init__(self, old: cst.CSTNode, new: cst.BaseExpression) -> None:
        super().__init__()
        self._old = old
        self._new = new

    def on_leave(
        self, original_node: cst.CSTNodeT, updated_node: cst.CSTNodeT
    ) -> Union[cst.CSTNodeT, cst.RemovalSentinel, cst.FlattenSentinel[cst.CSTNodeT]]:
        # libcst's signature keeps the node type; the replacement may be another (libcst allows it).
        return cast(cst.CSTNodeT, self._new) if original_node is self._old else updated_node
