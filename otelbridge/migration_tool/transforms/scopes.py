"""Scopes held in a variable: ``scope = tracer.start_active_span(...)`` ... ``scope.close()``.

OpenTelemetry has no scope object; a span made current outside a ``with`` is an attached context.
When the scope is bound once, every use of it is ``scope.span`` and one ``scope.close()`` ends it
later in the same block (or in the ``finally:`` of a later ``try``), the pair becomes::

    span = tracer.start_span(...)                         # or the span given to activate()
    token = context.attach(trace.set_span_in_context(span))
    ...
    span.end()                                            # when the scope finished its span
    context.detach(token)

Any other use (returned, stored, passed on, closed twice or in another branch) escapes: the site
is left to ``spans.py``, which marks it.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Optional, Sequence

import libcst as cst

from otelbridge.migration_tool.model import Kind, activates
from otelbridge.migration_tool.transforms.arguments import free_name
from otelbridge.migration_tool.transforms.base import LegacyTransform, arg, literal, sole_assignment
from otelbridge.migration_tool.walk import walk


@dataclass(frozen=True)
class HeldScope:
    """One scope variable and the names its rewrite uses."""

    #: the ``start_active_span``/``activate`` call bound to the variable
    call: cst.Call
    #: the statement binding it, and the ``scope.close()`` statement
    binding: cst.SimpleStatementLine
    close: cst.SimpleStatementLine
    #: every ``scope.span`` read
    span_reads: tuple[cst.Attribute, ...]
    #: whether the scope's span is made here (``start_active_span``), not given (``activate``)
    made: bool
    #: the span variable (made, or the one given), the token variable
    span_name: str
    token_name: str
    #: whether closing the scope ends the span: True, False, or the expression deciding it
    finish: object


def is_scope_call(transform: LegacyTransform, node: cst.BaseExpression) -> bool:
    """``start_active_span(...)`` or ``scope_manager.activate(...)`` on a tracer we convert."""
    if not isinstance(node, cst.Call) or not isinstance(node.func, cst.Attribute):
        return False
    if node.func.attr.value == "start_active_span":
        return transform.kind(node) is Kind.SCOPE
    return activates(transform.model, node) and transform.kind(node) is Kind.SCOPE


def activated_span(call: cst.Call) -> tuple[Optional[cst.Arg], Optional[cst.Arg]]:
    """The ``span`` and ``finish_on_close`` arguments of ``scope_manager.activate``."""
    return arg(call, "span", 0), arg(call, "finish_on_close", 1)


def finishes(call: cst.Call) -> object:
    """Whether closing the scope made by ``call`` finishes its span (``NotImplemented``: not
    known)."""
    assert isinstance(call.func, cst.Attribute)
    if call.func.attr.value == "start_active_span":
        given = arg(call, "finish_on_close", 6)
        return True if given is None else literal(given.value)
    return literal(flag.value) if (flag := activated_span(call)[1]) is not None else NotImplemented


def plan_held(
    transform: LegacyTransform, statements: Sequence[cst.BaseStatement]
) -> list[HeldScope]:
    """The held scopes bound in one block whose every use the rewrite maps."""
    found = []
    for number, statement in enumerate(statements):
        small = sole_assignment(statement)
        if small is None or not isinstance(small.targets[0].target, cst.Name):
            continue
        call = small.value
        if not is_scope_call(transform, call) or transform.kind(small.targets[0].target) is not (
            Kind.SCOPE
        ):
            continue
        assert isinstance(call, cst.Call) and isinstance(statement, cst.SimpleStatementLine)
        held = _held(transform, small.targets[0].target, call, statement, statements[number + 1 :])
        if held is not None:
            found.append(held)
    return found


def _held(
    transform: LegacyTransform,
    target: cst.Name,
    call: cst.Call,
    statement: cst.SimpleStatementLine,
    following: Sequence[cst.BaseStatement],
) -> Optional[HeldScope]:
    assignment = transform.model.assignment_of(target)
    scope = transform.model.scope(target)
    if assignment is None or scope is None or len(scope.assignments[target.value]) != 1:
        return None
    finish = finishes(call)
    if finish not in (True, False):
        return None
    closes = [
        n
        for s in following
        for n in walk(s)
        if isinstance(n, cst.SimpleStatementLine) and _closes(n, target.value)
    ]
    if len(closes) != 1 or closes[0] not in _closing_places(following):
        return None  # a close that may not run, or run twice
    close = closes[0]
    receiver = close.body[0].value.func.value  # type: ignore[attr-defined]  # _closes: x.close()
    reads: list[cst.Attribute] = []
    spans: dict[cst.Name, cst.Attribute] = {}
    for node in (*walk(close), *(n for s in following for n in walk(s))):
        if (
            isinstance(node, cst.Attribute)
            and isinstance(node.value, cst.Name)
            and node.attr.value == "span"
        ):
            spans[node.value] = node
        elif isinstance(node, (cst.AssignTarget, cst.AugAssign, cst.Del)):
            stored = node.target
            if (
                isinstance(stored, cst.Attribute)
                and isinstance(stored.value, cst.Name)
                and stored.value.value == target.value
            ):
                return None  # ``scope.span = ...``: not a read of the span
    for access in assignment.references:
        name = access.node
        if name is receiver:
            continue
        if not isinstance(name, cst.Name) or name not in spans:
            return None
        if transform.model.scope(name) is not scope:
            return None
        reads.append(spans[name])
    made = _made(call)
    if made:
        span_name = free_name(transform, target, f"{target.value}_span")
    else:  # the span given by name: read again at each ``scope.span`` and at the close
        given = activated_span(call)[0]
        if given is None or not isinstance(given.value, cst.Name):
            return None
        if transform.kind(given.value) not in (Kind.SPAN, Kind.CURRENT_SPAN):
            return None
        span_name = given.value.value
    token = free_name(transform, target, f"{target.value}_token")
    return HeldScope(call, statement, close, tuple(reads), made, span_name, token, finish)


def _made(call: cst.Call) -> bool:
    assert isinstance(call.func, cst.Attribute)
    return call.func.attr.value == "start_active_span"


def _closing_places(following: Sequence[cst.BaseStatement]) -> list[cst.SimpleStatementLine]:
    """Statements of the block after the binding, and those of the ``finally:`` of a later
    ``try``: where a close always runs once the binding did."""
    found: list[cst.SimpleStatementLine] = []
    for statement in following:
        if isinstance(statement, cst.SimpleStatementLine):
            found.append(statement)
        elif isinstance(statement, cst.Try) and statement.finalbody is not None:
            found.extend(
                s for s in statement.finalbody.body.body if isinstance(s, cst.SimpleStatementLine)
            )
    return found


def _closes(statement: cst.SimpleStatementLine, name: str) -> bool:
    """``<name>.close()`` as the whole statement."""
    if len(statement.body) != 1 or not isinstance(statement.body[0], cst.Expr):
        return False
    call = statement.body[0].value
    return (
        isinstance(call, cst.Call)
        and not call.args
        and isinstance(call.func, cst.Attribute)
        and call.func.attr.value == "close"
        and isinstance(call.func.value, cst.Name)
        and call.func.value.value == name
    )


def binding_statements(
    transform: LegacyTransform, held: HeldScope, updated: cst.SimpleStatementLine
) -> list[cst.SimpleStatementLine]:
    """The statements replacing ``scope = ...`` (``updated``: its rewritten form)."""
    small = updated.body[0]
    assert isinstance(small, cst.Assign)
    attach = transform.expr(
        held.call,
        "{otel_context}.attach({trace}.set_span_in_context(SPAN))",
        SPAN=cst.Name(held.span_name),
    )
    token = cst.Assign([cst.AssignTarget(cst.Name(held.token_name))], attach)
    if not held.made:
        return [updated.with_changes(body=[token])]
    made = small.with_changes(targets=[cst.AssignTarget(cst.Name(held.span_name))])
    return [updated.with_changes(body=[made]), cst.SimpleStatementLine([token])]


def close_statements(
    transform: LegacyTransform, held: HeldScope, updated: cst.SimpleStatementLine
) -> list[cst.SimpleStatementLine]:
    """The statements replacing ``scope.close()``: the span's end if the scope finished it, then
    the previous context restored, as OpenTracing's close does."""
    detach = transform.expr(
        held.close, "{otel_context}.detach(TOKEN)", TOKEN=cst.Name(held.token_name)
    )
    if held.finish is not True:
        return [updated.with_changes(body=[cst.Expr(detach)])]
    end = cst.Call(cst.Attribute(cst.Name(held.span_name), cst.Name("end")))
    return [updated.with_changes(body=[cst.Expr(end)]), cst.SimpleStatementLine([cst.Expr(detach)])]
