"""A Django settings module's tracing set-up: the middleware and app paths in its lists, and the
settings that go with them.

OpenCensus' and OpenTracing's Django integrations are both set up in ``settings.py`` alone: a
dotted path in ``MIDDLEWARE`` (or ``MIDDLEWARE_CLASSES``), maybe an app in ``INSTALLED_APPS``,
and settings the middleware reads (``OPENCENSUS``; ``OPENTRACING_*``). :func:`scan` finds them
on the tree alone (no metadata), so the project pre-pass that places the instrumentation
(``django_entry.py``) and the transforms that rewrite the settings always agree; :func:`without`
drops the paths from their lists.
"""

from __future__ import annotations

import dataclasses
from typing import Callable, Optional, Union

import libcst as cst
from libcst.helpers import get_full_name_for_node

from otelbridge.migration_tool.state import MigrationState
from otelbridge.migration_tool.transforms.base import literal

#: what replaces either middleware, and its package
INSTRUMENTOR = ("opentelemetry.instrumentation.django", "DjangoInstrumentor")
PACKAGE = "opentelemetry-instrumentation-django"
_LISTS = ("MIDDLEWARE", "MIDDLEWARE_CLASSES", "INSTALLED_APPS")
STRAY = "the middleware's path is named where it cannot be removed"


@dataclasses.dataclass
class SettingsScan:
    """What :func:`scan` found in a settings module."""

    #: list statements holding the paths, with the elements to drop
    lists: dict[cst.SimpleStatementLine, list[cst.Element]]
    #: statements that only add the paths (``MIDDLEWARE += [...]``, ``.append(...)``): they go
    additions: list[cst.SimpleStatementLine]
    #: the integration's settings: name -> the statements binding it
    settings: dict[str, list[cst.SimpleStatementLine]]

    def anchor(self) -> cst.SimpleStatementLine:
        """The statement notes about the set-up go to: its first list or addition."""
        return next(iter(self.lists), None) or self.additions[0]


def scan(
    module: cst.Module, middleware: str, app: str, is_setting: Callable[[str], bool]
) -> Union[SettingsScan, str, None]:
    """The ``middleware`` and ``app`` paths of ``module`` and the settings ``is_setting``
    names; ``None`` if the middleware is not named, why it cannot go if it is named elsewhere
    (a test that reads the list, say)."""
    found = SettingsScan({}, [], {})
    named = stray = False
    paths = (middleware, app)
    for statement in module_statements(module.body):
        small = statement.body[0] if len(statement.body) == 1 else None
        strings = _strings(statement)
        named = named or any(literal(s) == middleware for s in strings)
        elements = _path_elements(small, paths)
        if elements is None:
            target = _target(small) if isinstance(small, (cst.Assign, cst.AnnAssign)) else None
            if target is not None and is_setting(target):
                found.settings.setdefault(target, []).append(statement)
            elif any(literal(s) in paths for s in strings):
                stray = True
        elif elements[1]:
            found.additions.append(statement)
        elif elements[0]:
            found.lists[statement] = elements[0]
    if not named:
        return None
    return STRAY if stray else found


def mark_kept(
    state: MigrationState, module: cst.Module, middleware: str, rule: str, reason: str
) -> None:
    """Mark each statement naming the ``middleware`` path: the set-up stays, for ``reason``."""
    for statement in module_statements(module.body):
        if any(literal(s) == middleware for s in _strings(statement)):
            state.flag(statement, rule, f"Django middleware kept: {reason}", statement)


def module_statements(body: object) -> list[cst.SimpleStatementLine]:
    """The simple statements a module runs when imported: its own, and those in its ``if``,
    ``try`` and ``with`` blocks (not in functions or classes)."""
    found: list[cst.SimpleStatementLine] = []
    for statement in body:  # type: ignore[attr-defined]  # a statement sequence
        if isinstance(statement, cst.SimpleStatementLine):
            found.append(statement)
        elif isinstance(statement, (cst.If, cst.Try, cst.With, cst.Else, cst.Finally)):
            found += module_statements(statement.body.body)
            more = [getattr(statement, "orelse", None), getattr(statement, "finalbody", None)]
            for part in [*getattr(statement, "handlers", ()), *more]:
                if part is not None:
                    found += module_statements(
                        part.body.body if isinstance(part.body, cst.IndentedBlock) else [part]
                    )
    return found


def without(statement: cst.SimpleStatementLine, dropped: list[cst.Element]) -> cst.CSTNode:
    """``statement`` whose list no longer holds the ``dropped`` elements; the whitespace after
    each dropped element moves to the one before it, so the closing bracket keeps its place."""
    small = statement.body[0]
    assert isinstance(small, (cst.Assign, cst.AugAssign))  # scan(): a list statement
    value = small.value
    assert isinstance(value, (cst.List, cst.Tuple))
    kept: list[cst.BaseElement] = []
    for element in value.elements:
        if element not in dropped:
            kept.append(element)
        elif kept and isinstance(element.comma, cst.Comma):
            previous = kept[-1].comma
            if isinstance(previous, cst.Comma):
                moved = previous.with_changes(whitespace_after=element.comma.whitespace_after)
                kept[-1] = kept[-1].with_changes(comma=moved)
        elif kept:  # the last element went: so does the comma before it
            kept[-1] = kept[-1].with_changes(comma=cst.MaybeSentinel.DEFAULT)
    listed = value.with_changes(elements=kept) if kept else type(value)([])
    return statement.with_changes(body=[small.with_changes(value=listed)])


def _target(small: Union[cst.Assign, cst.AnnAssign, cst.AugAssign]) -> Optional[str]:
    if isinstance(small, cst.Assign):
        targets = [t.target for t in small.targets]
        return targets[0].value if len(targets) == 1 and isinstance(targets[0], cst.Name) else None
    return small.target.value if isinstance(small.target, cst.Name) else None


def _path_elements(
    small: Optional[cst.BaseSmallStatement], paths: tuple[str, ...]
) -> Optional[tuple[list[cst.Element], bool]]:
    """The ``paths`` elements of a ``MIDDLEWARE`` (or ``INSTALLED_APPS``) list statement, and
    whether they are all it adds; ``None`` if it is not such a statement."""
    value: Optional[cst.BaseExpression] = None
    if isinstance(small, (cst.Assign, cst.AugAssign)) and _target(small) in _LISTS:
        value = small.value
    elif (
        isinstance(small, cst.Expr)
        and isinstance(small.value, cst.Call)
        and isinstance(small.value.func, cst.Attribute)
        and get_full_name_for_node(small.value.func.value) in _LISTS
        and small.value.func.attr.value in ("append", "insert")
        and small.value.args
    ):
        return ([], True) if literal(small.value.args[-1].value) in paths else None
    if not isinstance(value, (cst.List, cst.Tuple)):
        return None
    elements = [
        e for e in value.elements if isinstance(e, cst.Element) and literal(e.value) in paths
    ]
    whole = bool(elements) and len(elements) == len(value.elements)
    return elements, whole and isinstance(small, cst.AugAssign)


def _strings(node: cst.CSTNode) -> list[cst.BaseExpression]:
    found: list[cst.BaseExpression] = []

    class _Strings(cst.CSTVisitor):
        def visit_SimpleString(self, string: cst.SimpleString) -> None:
            found.append(string)

    node.visit(_Strings())
    return found
