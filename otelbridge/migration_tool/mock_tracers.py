"""Which tracers of a file are OpenTracing ``MockTracer`` objects, and where their spans go.

A ``MockTracer`` is a tracer like any other for the inference (what it starts are spans, what it
is handed to takes a tracer), so it converts with the code it is passed to. What only the mock
has (``finished_spans()``, ``reset()``) needs the in-memory exporter the rewrite puts beside it
(``transforms/mocktracer.py``): the :class:`MockTracers` of a file names that exporter for each
``tracer = MockTracer()`` binding, once, for every transform that asks.

A mock handed to the code under test is often read back through it
(``tracing = PyramidTracing(MockTracer())`` ... ``tracing.tracer.finished_spans()``). Only a mock
has ``finished_spans()``, so when the function around such a call (or one around that) makes
exactly one ``MockTracer``, that mock is the one read: its exporter is reached through the
function, and a mock made inline in a plain statement is given one (it is bound just before).
"""

from __future__ import annotations

from typing import Optional

import libcst as cst
from libcst.metadata import Scope

from otelbridge.migration_tool.model import Kind, LegacyModel, is_variable
from otelbridge.migration_tool.names import MOCK_TRACERS
from otelbridge.migration_tool.state import MigrationState, per_model
from otelbridge.migration_tool.walk import walk

_KEY = "otelbridge.mock_tracers"
#: Rules of notes on converted test assertions: they keep nothing on OpenTracing.
TEST_NOTES = frozenset({"mock-log", "time-units", "kind-status", "mock-isinstance"})
#: what only a mock has: the calls that read its recorded spans
MOCK_ONLY = frozenset({"finished_spans", "reset"})


def is_construction(model: LegacyModel, node: cst.CSTNode) -> bool:
    """``MockTracer(...)``, however it was imported."""
    return isinstance(node, cst.Call) and bool(model.qualified_names(node.func) & MOCK_TRACERS)


def made_by_mock(model: LegacyModel, node: cst.BaseExpression) -> bool:
    """Every object ``node`` can evaluate to is made by a ``MockTracer(...)`` of this file, or
    ``node`` names a variable whose recorded spans its function reads: only a mock has them."""
    origins = model.origins(node)
    if origins and all(is_construction(model, o) for o in origins):
        return True
    return isinstance(node, cst.Name) and _reads_spans(model, node)


def _reads_spans(model: LegacyModel, name: cst.Name) -> bool:
    """``name.finished_spans()`` or ``name.reset()`` on the same variable, in its scope."""
    scope = model.scope(name)
    where = getattr(scope, "node", None)
    if scope is None or where is None:
        return False
    for found in walk(where):
        if (
            isinstance(found, cst.Call)
            and isinstance(found.func, cst.Attribute)
            and found.func.attr.value in MOCK_ONLY
            and isinstance(found.func.value, cst.Name)
            and found.func.value.value == name.value
            and model.scope(found.func.value) is scope
        ):
            return True
    return False


#: The class names of ``MOCK_TRACERS``: every construction's import or call spells one.
_MOCK_CLASS_NAMES = frozenset(name.rsplit(".", 1)[1] for name in MOCK_TRACERS)


def _names_mock_tracer(node: cst.CSTNode) -> bool:
    """Whether ``node`` spells a mock tracer's class name (``MockTracer``)."""
    if isinstance(node, cst.Attribute):
        return node.attr.value in _MOCK_CLASS_NAMES
    return isinstance(node, cst.Name) and node.value in _MOCK_CLASS_NAMES


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
        #: ``MockTracer(...)`` calls made in each function (``None``: at module level), and the
        #: function around each node of interest
        self._made: dict[Optional[cst.FunctionDef], list[cst.Call]] = {}
        self._around: dict[cst.CSTNode, Optional[cst.FunctionDef]] = {}
        self._outer: dict[cst.FunctionDef, Optional[cst.FunctionDef]] = {}
        #: inline ``MockTracer(...)`` (in a plain statement, bound to nothing) given an exporter,
        #: and the statement it is bound before
        self.inline: dict[cst.Call, cst.SimpleStatementLine] = {}
        self._reads: Optional[set[cst.Call]] = None
        nodes = list(walk(state.wrapper.module))
        if not any(_names_mock_tracer(node) for node in nodes):
            return  # no construction can be here: skip the costly walk with context
        self._locate(state.wrapper.module, None, None)
        for node in nodes:
            if isinstance(node, cst.Attribute) and is_variable(node):
                self._attrs.add(node.attr.value)
            elif isinstance(node, cst.Call) and is_construction(self._model, node):
                self.constructs = True
            elif isinstance(node, cst.Assign) and len(node.targets) == 1:
                target = node.targets[0].target
                if is_variable(target) and is_construction(self._model, node.value):
                    assert isinstance(node.value, cst.Call)
                    self.bound[node.value] = target

    def _locate(
        self,
        node: cst.CSTNode,
        function: Optional[cst.FunctionDef],
        line: Optional[cst.SimpleStatementLine],
    ) -> None:
        """Record, for every construction and mock-only call, the function it stands in."""
        if isinstance(node, cst.FunctionDef):
            self._outer[node] = function
            function, line = node, None
        elif isinstance(node, cst.SimpleStatementLine):
            line = node
        elif isinstance(node, cst.Call):
            if is_construction(self._model, node):
                self._made.setdefault(function, []).append(node)
                self._around[node] = function
                if line is not None:
                    self.inline[node] = line
            elif (
                isinstance(node.func, cst.Attribute)
                and node.func.attr.value in MOCK_ONLY
                and self._model.kind(node.func.value) is Kind.TRACER
            ):
                self._around[node] = function
        for child in node.children:
            self._locate(child, function, line)

    def _only_mock(self, site: cst.CSTNode) -> Optional[cst.Call]:
        """The one ``MockTracer(...)`` made in the innermost function around ``site`` that
        makes any (``None``: none, or several)."""
        if site not in self._around:
            return None
        function = self._around[site]
        while function is not None and function not in self._made:
            function = self._outer[function]
        made = self._made.get(function, [])
        return made[0] if len(made) == 1 else None

    @property
    def _calls(self) -> set[cst.CSTNode]:
        return {c for calls in self._made.values() for c in calls}

    def reached(self, made: cst.Call) -> bool:
        """An inline ``MockTracer(...)`` whose spans a mock-only call of its function reads."""
        return made in self.inline and made not in self.bound and made in self._read

    @property
    def _read(self) -> set[cst.Call]:
        """The constructions some mock-only call of their function can only be reading."""
        if self._reads is None:
            self._reads = set()
            for site in self._around:
                made = None if site in self._calls else self._only_mock(site)
                if made is not None:
                    self._reads.add(made)
        return self._reads

    def construction_for(self, site: cst.Call) -> Optional[cst.Call]:
        """The mock a mock-only call ``site`` on a tracer of unknown origin reads, if it can
        be only one and that one has an exporter here."""
        made = self._only_mock(site)
        if made is None or not (made in self.bound or self.reached(made)):
            return None
        return made

    def spans_read(self, made: cst.Call) -> bool:
        """Whether a mock-only call of the file reads the spans of the bound ``made`` (through
        its exporter): a mock whose spans nobody reads needs no exporter."""
        return any(
            made in self._read_by(site)
            for site in self._around
            if isinstance(site, cst.Call) and site not in self._calls
        )

    def _read_by(self, site: cst.Call) -> set[cst.Call]:
        """The constructions whose exporter the mock-only call ``site`` reads (:meth:`exporter`)."""
        assert isinstance(site.func, cst.Attribute)
        if self.exporter(site.func.value, site) is None:
            return set()
        bound = {o for o in self._model.origins(site.func.value) if o in self.bound}
        made = self.construction_for(site)
        return {o for o in bound if isinstance(o, cst.Call)} or ({made} if made else set())

    def exporter_of(self, made: cst.Call, role: str = "exporter") -> str:
        """The exporter (or provider) variable of a construction that has one."""
        target = self.bound.get(made)
        return self.name(target if target is not None else made, role)

    @staticmethod
    def of(state: MigrationState) -> MockTracers:
        return per_model(state, _KEY, MockTracers)

    def name(self, target: cst.BaseExpression, role: str) -> str:
        """The ``exporter``/``provider`` variable beside the tracer variable ``target`` (or of
        an inline construction), as source text (``exporter``, ``self._exporter``): the same for
        every binding of it."""
        scope: Optional[Scope] = None
        if isinstance(target, cst.Attribute):
            base, taken = target.attr.value, self._attrs
        elif isinstance(target, cst.Call):
            base, taken, scope = "tracer", set(), self._model.scope(target)
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

    def exporter(self, receiver: cst.BaseExpression, site: cst.Call) -> Optional[str]:
        """The exporter holding the spans of the tracer ``receiver`` of the mock-only call
        ``site``: of the variable every ``MockTracer`` it can be is bound to, else of the one
        mock the function around ``site`` makes (else: out of reach)."""
        if self._model.kind(receiver) is not Kind.TRACER:
            return None
        origins = self._model.origins(receiver)
        if is_variable(receiver) and origins:
            names = set()
            for origin in origins:
                target = self.bound.get(origin) if isinstance(origin, cst.Call) else None
                if target is None or _text(target) != _text(receiver):
                    break
                names.add(self.name(target, "exporter"))
            else:
                return names.pop() if len(names) == 1 else None
        made = self.construction_for(site)
        if made is None or any(o is not made and is_construction(self._model, o) for o in origins):
            return None
        return self.exporter_of(made)


def _text(node: cst.BaseExpression) -> str:
    return cst.Module([]).code_for_node(node)
