"""A ``span.kind`` tag set right after the span is made moves into its creation (``kind=``).

OpenTelemetry takes a span's kind only at creation. OpenTracing code often sets it just after:
``span = tracer.start_span(name)`` followed by ``span.set_tag(tags.SPAN_KIND, ...)``, or
``scope.span.set_tag(...)`` first in the block of ``with tracer.start_active_span(...) as scope``.
When only other ``set_tag`` calls come between (they cannot observe the kind; an alias
``span = scope.span`` may come first) and the value is a
known kind, the tag becomes the creation's ``kind=`` and its statement goes. The creation
(``spans.py``) applies the plan and tells the tag's rewrite (``span_methods.py``) that it did.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Optional, Sequence

import libcst as cst

from otelbridge.migration_tool.names import SPAN_KINDS
from otelbridge.migration_tool.transforms.arguments import tag_string
from otelbridge.migration_tool.transforms.base import LegacyTransform, arg, sole_assignment
from otelbridge.migration_tool.transforms.kind_parameter import project_creation

#: ``context.scratch`` key of the file's :class:`KindPlan`.
PLAN_KEY = "otelbridge.span_kind"


@dataclass
class KindPlan:
    #: creation call -> (the ``set_tag`` call, its statement, ``SpanKind`` member)
    moves: dict[cst.Call, tuple[cst.Call, cst.SimpleStatementLine, str]] = field(
        default_factory=dict
    )
    #: ``set_tag`` calls whose kind went into a converted creation: their statements go
    moved: set[cst.Call] = field(default_factory=set)


def plan_of(transform: LegacyTransform) -> KindPlan:
    scratch = transform.state.context.scratch
    if PLAN_KEY not in scratch:
        scratch[PLAN_KEY] = KindPlan()
    plan = scratch[PLAN_KEY]
    assert isinstance(plan, KindPlan)
    return plan


def plan_block(transform: LegacyTransform, statements: Sequence[cst.BaseStatement]) -> None:
    """Record the moves of one block of statements."""
    plan = plan_of(transform)
    for number, statement in enumerate(statements):
        found = _creation(statement) or project_creation(transform, statement)
        if found is not None:
            call, receiver = found
            _plan_tags(transform, plan, call, receiver, statements[number + 1 :])
        elif isinstance(statement, cst.With) and isinstance(statement.body, cst.IndentedBlock):
            for item in statement.items:
                created = item.item
                if isinstance(created, cst.Call) and _is_creation(created) and item.asname:
                    target = item.asname.name
                    if isinstance(target, cst.Name):
                        receiver = _receiver(created, target.value)
                        _plan_tags(transform, plan, created, receiver, statement.body.body)


def _is_creation(node: cst.BaseExpression) -> bool:
    return (
        isinstance(node, cst.Call)
        and isinstance(node.func, cst.Attribute)
        and node.func.attr.value in ("start_span", "start_active_span")
    )


def _receiver(call: cst.Call, name: str) -> tuple[str, ...]:
    """The receiver of the span's methods: ``span`` or, for a scope, ``scope.span``."""
    assert isinstance(call.func, cst.Attribute)
    return (name, "span") if call.func.attr.value == "start_active_span" else (name,)


def _creation(statement: cst.BaseStatement) -> Optional[tuple[cst.Call, tuple[str, ...]]]:
    """``name = tracer.start_span(...)`` (one target)."""
    small = sole_assignment(statement)
    if small is None:
        return None
    target = small.targets[0].target
    if not isinstance(target, cst.Name) or not _is_creation(small.value):
        return None
    call = small.value
    assert isinstance(call, cst.Call)
    return call, _receiver(call, target.value)


def _plan_tags(
    transform: LegacyTransform,
    plan: KindPlan,
    creation: cst.Call,
    receiver: tuple[str, ...],
    following: Sequence[cst.BaseStatement],
) -> None:
    receivers = {receiver}
    for statement in following:
        alias = _alias(statement, receivers)
        if alias is not None:  # ``span = scope.span`` first: its tags are the span's too
            receivers.add(alias)
            continue
        tag = _set_tag(statement, receivers)
        if tag is None:
            return
        key, value = arg(tag, "key", 0), arg(tag, "value", 1)
        if key is None or value is None or len(tag.args) != 2:
            return
        if tag_string(transform, key.value) != "span.kind":
            continue
        member = SPAN_KINDS.get(tag_string(transform, value.value) or "")
        if member is not None:
            assert isinstance(statement, cst.SimpleStatementLine)
            plan.moves[creation] = (tag, statement, member)
        return


def _alias(statement: cst.BaseStatement, receivers: set[tuple[str, ...]]) -> Optional[tuple[str]]:
    """``name = <receiver>``: another name of the span, that nothing rebinds before its tags."""
    small = sole_assignment(statement)
    if small is None or not isinstance(small.targets[0].target, cst.Name):
        return None
    name = small.targets[0].target.value
    if _dotted(small.value) not in receivers or any(name == r[0] for r in receivers):
        return None
    return (name,)


def _set_tag(statement: cst.BaseStatement, receivers: set[tuple[str, ...]]) -> Optional[cst.Call]:
    """The call of ``<receiver>.set_tag(...)`` that is the whole statement, if it is one."""
    if not isinstance(statement, cst.SimpleStatementLine) or len(statement.body) != 1:
        return None
    small = statement.body[0]
    if not isinstance(small, cst.Expr) or not isinstance(small.value, cst.Call):
        return None
    func = small.value.func
    if not isinstance(func, cst.Attribute) or func.attr.value != "set_tag":
        return None
    return small.value if _dotted(func.value) in receivers else None


def _dotted(node: cst.BaseExpression) -> Optional[tuple[str, ...]]:
    if isinstance(node, cst.Name):
        return (node.value,)
    if isinstance(node, cst.Attribute):
        owner = _dotted(node.value)
        return None if owner is None else (*owner, node.attr.value)
    return None
