"""``start_span()`` and ``end_span()`` in different blocks of one function, paired when provable.

OpenCensus' ``end_span()`` ends whatever span is current, so a wrapper may start a span in one
``if tracer:`` block and end it in a later one, or end it in a ``finally``: no ``with`` block can
cover that. OpenTelemetry's explicit form can: the span is attached to the context after the
start (``token = context.attach(trace.set_span_in_context(span))``) and detached and ended at
the end. The pairing is provable when, in one function (nested functions are their own), the
tracer starts exactly one span (bound to a name) and ends exactly one, after it, and each call
sits in the block they share or directly in an ``if`` that only tests the tracer (always true:
an OpenTelemetry tracer is never None or false), the end also in a ``finally`` (always runs).
"""

from __future__ import annotations

import dataclasses
from collections import defaultdict
from typing import Callable, Iterator, Mapping, Optional, Union

import libcst as cst

from otelbridge.migration_tool.transforms.base import sole_assignment
from otelbridge.migration_tool.walk import walk

_FUNCTIONS = (cst.FunctionDef, cst.Lambda, cst.ClassDef)
Scope = Union[cst.Module, cst.FunctionDef]


@dataclasses.dataclass(frozen=True)
class OpenSpan:
    """``span = tracer.start_span()`` and the ``tracer.end_span()`` that ends it later in the same
    function: the span is attached after the start, detached and ended at the end."""

    start_call: cst.Call
    end_call: cst.Call
    #: the statements holding them
    start: cst.SimpleStatementLine
    end: cst.SimpleStatementLine
    span: str
    #: a fresh name for the detach token
    token: str


def open_spans(
    module: cst.Module,
    parents: Mapping[cst.CSTNode, cst.CSTNode],
    is_tracer: Callable[[cst.BaseExpression], bool],
    taken: Mapping[cst.Call, object],
) -> dict[cst.Call, OpenSpan]:
    """Every provable pair not in ``taken`` (the lexical pairs), by its start and end calls."""
    found: dict[cst.Call, OpenSpan] = {}
    for scope in walk(module):
        if not isinstance(scope, (cst.Module, cst.FunctionDef)):
            continue
        calls: dict[tuple[str, str], list[cst.Call]] = defaultdict(list)
        names = {node.value for node in walk(scope) if isinstance(node, cst.Name)}
        for node in _own_nodes(scope):
            func = node.func if isinstance(node, cst.Call) else None
            if (
                isinstance(node, cst.Call)
                and isinstance(func, cst.Attribute)
                and isinstance(func.value, cst.Name)
                and func.attr.value in ("start_span", "end_span")
            ):
                calls[(func.value.value, func.attr.value)].append(node)
        for (receiver, method), starts in calls.items():
            ends = calls.get((receiver, "end_span"), [])
            if method != "start_span" or len(starts) != 1 or len(ends) != 1:
                continue
            start, end = starts[0], ends[0]
            if start in taken or end in taken or not is_tracer(start.func.value):  # type: ignore[attr-defined]  # see calls
                continue
            opened = _pair(scope, start, end, receiver, parents, names)
            if opened is not None:
                found[start] = found[end] = opened
    return found


def _own_nodes(scope: Scope) -> Iterator[cst.CSTNode]:
    """The nodes of ``scope`` outside its nested functions and classes, in document order."""
    statements = scope.body if isinstance(scope, cst.Module) else [scope.body]
    for statement in statements:
        for node in walk(statement, _FUNCTIONS):
            if not isinstance(node, _FUNCTIONS):
                yield node


def _pair(
    scope: Scope,
    start: cst.Call,
    end: cst.Call,
    tracer: str,
    parents: Mapping[cst.CSTNode, cst.CSTNode],
    names: set[str],
) -> Optional[OpenSpan]:
    start_line = parents.get(parents.get(start))  # type: ignore[arg-type]  # None: no key
    assign = sole_assignment(start_line) if start_line is not None else None
    end_expr = parents.get(end)
    end_line = parents.get(end_expr) if isinstance(end_expr, cst.Expr) else None
    if (
        assign is None
        or assign.value is not start
        or not isinstance(assign.targets[0].target, cst.Name)
        or not isinstance(end_line, cst.SimpleStatementLine)
        or len(end_line.body) != 1
        or end.args
    ):
        return None
    assert isinstance(start_line, cst.SimpleStatementLine)
    start_path, end_path = _path(start_line, scope, parents), _path(end_line, scope, parents)
    if start_path is None or end_path is None:
        return None
    shared = 0
    while shared < min(len(start_path), len(end_path)) and start_path[shared] is end_path[shared]:
        shared += 1
    suite = start_path[shared - 1] if shared else None
    start_rest, end_rest = start_path[shared:], end_path[shared:]
    if not _guarded(start_rest, tracer, finally_ok=False) or not _guarded(
        end_rest, tracer, finally_ok=True
    ):
        return None
    if not isinstance(suite, (cst.IndentedBlock, cst.Module)) or not (start_rest or end_rest):
        return None  # one statement list holds both: the lexical pairing's case
    body: list[cst.CSTNode] = list(suite.body)
    start_top = start_rest[0] if start_rest else start_line
    end_top = end_rest[0] if end_rest else end_line
    if body.index(start_top) >= body.index(end_top):
        return None
    span = assign.targets[0].target.value
    token = span + "_token"
    while token in names:
        token += "_"
    return OpenSpan(start, end, start_line, end_line, span, token)


def _path(
    statement: cst.CSTNode, scope: Scope, parents: Mapping[cst.CSTNode, cst.CSTNode]
) -> Optional[list[cst.CSTNode]]:
    """The statement lists and compound statements from ``scope``'s body down to ``statement``
    (the list that holds it last); None if a function or class is between."""
    path: list[cst.CSTNode] = []
    node: Optional[cst.CSTNode] = statement
    while node is not None and node is not scope:
        node = parents.get(node)
        if isinstance(node, _FUNCTIONS) and node is not scope:
            return None
        if isinstance(
            node, (cst.IndentedBlock, cst.Module, cst.BaseCompoundStatement, cst.Finally)
        ):
            path.append(node)
    if node is None:
        return None
    path.reverse()
    return path


def _guarded(rest: list[cst.CSTNode], tracer: str, finally_ok: bool) -> bool:
    """``rest`` (below the shared statement list) is nothing, or one statement that always runs
    its block: ``if <tracer>:`` / ``if <tracer> is not None:`` (no ``else``), or for the end a
    ``try`` whose ``finally`` holds it."""
    if not rest:
        return True
    head = rest[0]
    if isinstance(head, cst.If) and head.orelse is None and _tests_tracer(head.test, tracer):
        return len(rest) == 2 and rest[1] is head.body
    if finally_ok and isinstance(head, cst.Try) and head.finalbody is not None:
        return len(rest) == 3 and rest[1] is head.finalbody and rest[2] is head.finalbody.body
    return False


def _tests_tracer(test: cst.BaseExpression, tracer: str) -> bool:
    if isinstance(test, cst.Name):
        return test.value == tracer
    return (
        isinstance(test, cst.Comparison)
        and isinstance(test.left, cst.Name)
        and test.left.value == tracer
        and len(test.comparisons) == 1
        and isinstance(test.comparisons[0].operator, cst.IsNot)
        and isinstance(test.comparisons[0].comparator, cst.Name)
        and test.comparisons[0].comparator.value == "None"
    )
