"""``start_span()`` in one function and ``end_span()`` in another: the detach token goes along
in the context.

Request hooks (``before_request``/``teardown_request``), database event pairs
(``before_cursor_execute``/``after_cursor_execute``) and command listeners start a span in one
callback and end it in another, through OpenCensus' ``end_span()``, which ends whatever span is
current and makes its parent current again. OpenTelemetry can do the same when the token that
undoes the attach is kept where the end finds it: the context itself. The start becomes
``context.attach(context.set_value(TOKEN_KEY, context.attach(set_span_in_context(span))))``;
the end ``get_current_span().end()`` and ``context.detach(context.get_value(TOKEN_KEY))``,
which puts back the context from before the start (with the parent span current), as OpenCensus
did. Nested starts nest their tokens, as OpenCensus nested its parents.

A module's starts and ends hand off only all together: every unpaired ``start_span()`` and
``end_span()`` on an OpenCensus tracer of the module has one of the two shapes (a statement of its
own, the start bound to a name or not), there is at least one of each, and no function holds
both (one that does and that the analysis could not pair is left for a person to read: a start in
a loop, an end on one path only). Otherwise none do (the analysis keeps them on OpenCensus).
"""

from __future__ import annotations

from typing import Callable, Mapping, Optional

import libcst as cst

from otelbridge.migration_tool.walk import walk

START, END = "start", "end"
#: The context key the detach tokens of handed-off spans are kept under (one for every module:
#: a span may be started in one module and ended in another that hands off too).
TOKEN_KEY = "otelbridge.started_span_token"


def handoffs(
    module: cst.Module,
    parents: Mapping[cst.CSTNode, cst.CSTNode],
    is_tracer: Callable[[cst.BaseExpression], bool],
    paired: Callable[[cst.Call], bool],
) -> dict[cst.Call, str]:
    """The module's unpaired ``start_span``/``end_span`` calls -> START or END, if they all hand
    off together (else empty)."""
    found: dict[cst.Call, str] = {}
    for node in walk(module):
        if not isinstance(node, cst.Call) or paired(node):
            continue
        func = node.func
        if not (isinstance(func, cst.Attribute) and func.attr.value in ("start_span", "end_span")):
            continue
        if not is_tracer(func.value):
            continue
        which = START if func.attr.value == "start_span" else END
        if _statement(node, parents, which) is None:
            return {}
        found[node] = which
    if START not in found.values() or END not in found.values():
        return {}
    seen: dict[cst.CSTNode, set[str]] = {}
    for call, which in found.items():
        seen.setdefault(function_of(call, parents), set()).add(which)
    if any(len(kinds) > 1 for kinds in seen.values()):
        return {}
    return found


def function_of(node: cst.CSTNode, parents: Mapping[cst.CSTNode, cst.CSTNode]) -> cst.CSTNode:
    """The function (or module) ``node`` runs in."""
    current = parents.get(node)
    while current is not None and not isinstance(current, (cst.FunctionDef, cst.Lambda)):
        node, current = current, parents.get(current)
    return current if current is not None else node


def _statement(
    call: cst.Call, parents: Mapping[cst.CSTNode, cst.CSTNode], which: str
) -> Optional[cst.SimpleStatementLine]:
    """The statement ``call`` makes up: ``[name =] tracer.start_span(...)``, or
    ``tracer.end_span()`` with no arguments."""
    small = parents.get(call)
    if which == END and call.args:
        return None
    if isinstance(small, cst.Assign):
        if which == END or len(small.targets) != 1:
            return None
        if not isinstance(small.targets[0].target, cst.Name):
            return None
    elif not isinstance(small, cst.Expr):
        return None
    statement = parents.get(small)
    if isinstance(statement, cst.SimpleStatementLine) and len(statement.body) == 1:
        return statement
    return None


def statement_of(call: cst.Call, parents: Mapping[cst.CSTNode, cst.CSTNode]) -> cst.CSTNode:
    """The statement line holding a handed-off call (checked when it was found)."""
    small = parents[call]
    return parents[small]
