"""Calls whose result gets its ``span.kind`` tag right after: ``span = helper(...)`` followed by
``span.set_tag(tags.SPAN_KIND, ...)``.

OpenTelemetry takes a span's kind only at creation. When a project helper makes the span
(``return tracer.start_span(...)``), the kind can only reach the creation through the helper: it
gets a ``kind=`` parameter, and such call sites pass it. The index records these calls (by the
``ast`` node of the call) so that the helper's file knows, before it is rewritten, that a caller
elsewhere needs the parameter. Only ``set_tag`` statements on the span may come between, as in the
per-file plan (``transforms/span_kind.py``), which is at most as permissive as this.
"""

from __future__ import annotations

import ast
from typing import TYPE_CHECKING, Iterator, Optional

if TYPE_CHECKING:
    from otelbridge.migration_tool.engine.expr import Expr
    from otelbridge.migration_tool.engine.index import Function

_BODIES = ("body", "orelse", "finalbody", "handlers")


def kind_tagged_calls(tree: ast.AST) -> set[int]:
    """``id`` of every ``ast.Call`` assigned to a name whose next statements tag its kind."""
    found: set[int] = set()
    for node in ast.walk(tree):
        for field in _BODIES:
            block = getattr(node, field, None)
            if isinstance(block, list) and block and isinstance(block[0], ast.stmt):
                found.update(_in_block(block))
    return found


def _in_block(block: list[ast.stmt]) -> Iterator[int]:
    for number, statement in enumerate(block):
        if not (
            isinstance(statement, ast.Assign)
            and len(statement.targets) == 1
            and isinstance(statement.targets[0], ast.Name)
            and isinstance(statement.value, ast.Call)
        ):
            continue
        name = statement.targets[0].id
        for following in block[number + 1 :]:
            key = _set_tag_key(following, name)
            if key is None:
                break
            if _is_kind_key(key):
                yield id(statement.value)
                break


def _set_tag_key(statement: ast.stmt, name: str) -> Optional[ast.expr]:
    """The key of ``<name>.set_tag(key, value)`` when that is the whole statement."""
    if not (isinstance(statement, ast.Expr) and isinstance(statement.value, ast.Call)):
        return None
    call = statement.value
    func = call.func
    if not (
        isinstance(func, ast.Attribute)
        and func.attr == "set_tag"
        and isinstance(func.value, ast.Name)
        and func.value.id == name
        and len(call.args) == 2
        and not call.keywords
    ):
        return None
    return call.args[0]


def _is_kind_key(key: ast.expr) -> bool:
    if isinstance(key, ast.Constant):
        return key.value == "span.kind"
    if isinstance(key, ast.Attribute):
        return key.attr == "SPAN_KIND"
    return isinstance(key, ast.Name) and key.id == "SPAN_KIND"


def makes_span(function: Function) -> bool:
    """Whether ``function`` has one return, of a ``start_span`` call or of the one local it
    binds to such a call (its creation can take the ``kind=`` the function is given), and no
    ``kind`` parameter of its own yet."""
    returns = function.returns
    if len(returns) != 1 or "kind" in function.params:
        return False
    returned = returns[0]
    if returned[0] == "name" and returned[1] not in function.params:
        values = function.locals.get(str(returned[1]), [])
        returned = values[0] if len(values) == 1 else returned
    return _is_start_span(returned)


def _is_start_span(expr: Expr) -> bool:
    func = expr[1] if expr[0] == "call" else None
    return isinstance(func, tuple) and func[0] == "attr" and func[2] == "start_span"
