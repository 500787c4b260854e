"""Which tracers of a file are OpenTracing ``MockTracer`` objects, and where their spans go.

A ``MockTracer`` is a tracer like any other for the inference (what it starts are spans, what it
is handed to takes a tracer), so it converts with the code it is passed to. What only the mock
has (``finished_spans()``, ``reset()``) needs the in-memory exporter the rewrite puts beside it
(``transforms/mocktracer.py``): the :class:`MockTracers` of a file names that exporter for each
``tracer = MockTracer()`` binding, once, for every transform that asks.
"""

from __future__ import annotations

from typing import Optional

import libcst as cst
from libcst.metadata import Scope

from otelbridge.migration_tool.model import Kind, LegacyModel, is_variable
from otelbridge.migration_tool.names import MOCK_TRACERS
from otelbridge.migration_tool.state import MigrationState
from otelbridge.migration_tool.walk import walk

_KEY = "otelbridge.mock_tracers"
#: Rules of notes on converted test assertions: they keep nothing on OpenTracing.
TEST_NOTES = frozenset({"mock-log", "time-units", "kind-status"})


def is_construction(model: LegacyModel, node: cst.CSTNode) -> bool:
    """``MockTracer(...)``, however it was imported."""
    return isinstance(node, cst.Call) and bool(model.qualified_names(node.func) & MOCK_TRACERS)


def made_by_mock(model: LegacyModel, node: cst.BaseExpression) -> bool:
    """Every object ``node`` can evaluate to is made by a ``MockTracer(...)`` of this file."""
    origins = model.origins(node)
    return bool(origins) and all(is_construction(model, o) for o in origins)


def _renamed(name: str, role: str) -> str:
    """``tracer`` -> ``exporter``, ``mock_tracer`` -> ``mock_exporter``, ``t`` -> ``t_exporter``."""
    return name.replace("tracer", role) if "tracer" in name else f"{name}_{role}"


class MockTracers:
    """The ``target = MockTracer(...)`` statements of one file and the names given to the
    provider and exporter each one becomes."""

    def __init__(self, state: MigrationState) -> None:
        self._model = state.model
        #: ``MockTracer(...)`` call -> the variable it is bound to (a name or ``self.<attr>``)
        self.bound: dict[cst.Call, cst.BaseExpression] = {}
        self._attrs: set[str] = set()
        self._names: dict[tuple[Optional[Scope], str, str], str] = {}
        self.constructs = False
        for node in walk(state.wrapper.module):
            if isinstance(node, cst.Attribute) and is_variable(node):
                self._attrs.add(node.attr.value)
            elif isinstance(node, cst.Call) and is_construction(self._model, node):
                self.constructs = True
            elif isinstance(node, cst.Assign) and len(node.targets) == 1:
                target = node.targets[0].target
                if is_variable(target) and is_construction(self._model, node.value):
                    assert isinstance(node.value, cst.Call)
                    self.bound[node.value] = target

    @staticmethod
    def of(state: MigrationState) -> MockTracers:
        found = state.context.scratch.get(_KEY)
        if not isinstance(found, MockTracers) or found._model is not state.model:
            found = state.context.scratch[_KEY] = MockTracers(state)
        return found

    def name(self, target: cst.BaseExpression, role: str) -> str:
        """The ``exporter``/``provider`` variable beside the tracer variable ``target``, as
        source text (``exporter``, ``self._exporter``): the same for every binding of it."""
        scope: Optional[Scope] = None
        if isinstance(target, cst.Attribute):
            base, taken = target.attr.value, self._attrs
        else:
            assert isinstance(target, cst.Name)
            base, taken, scope = target.value, set(), self._model.scope(target)
        key = (scope, base, role)
        if key not in self._names:
            candidate = _renamed(base, role)
            number = 1
            while (candidate in taken) or (scope is not None and candidate in scope):
                number += 1
                candidate = f"{_renamed(base, role)}{number}"
            self._names[key] = candidate
        prefix = "self." if isinstance(target, cst.Attribute) else ""
        return prefix + self._names[key]

    def exporter(self, receiver: cst.BaseExpression) -> Optional[str]:
        """The exporter holding the spans of the tracer variable ``receiver``, if every
        ``MockTracer`` it can be is bound to that very variable (else: out of reach)."""
        if not is_variable(receiver) or self._model.kind(receiver) is not Kind.TRACER:
            return None
        origins = self._model.origins(receiver)
        names = set()
        for origin in origins:
            target = self.bound.get(origin) if isinstance(origin, cst.Call) else None
            if target is None or _text(target) != _text(receiver):
                return None
            names.add(self.name(target, "exporter"))
        return names.pop() if len(names) == 1 else None


def _text(node: cst.BaseExpression) -> str:
    return cst.Module([]).code_for_node(node)
