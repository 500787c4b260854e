"""Tests that patch OpenTracing's global tracer, and the code that runs under such a patch.

``mock.patch("opentracing.tracer", new=tracer)`` (or ``mock.patch.object(opentracing, "tracer",
tracer)``) makes every read of the global tracer give ``tracer`` while it is active. Migrated code
reads the global tracer as ``trace.get_tracer(__name__)``, called at each use, so the same test
patches that function: ``mock.patch("opentelemetry.trace.get_tracer",
new=mock.Mock(return_value=tracer))``; without ``new`` (``@mock.patch("opentracing.tracer")``) the
patched ``get_tracer`` is itself a mock whose every call gives one ``return_value``. Either way
the global tracer is one object while the patch is active, so comparing it with what the code
under test holds (``assertEqual(tracing.tracer, opentracing.tracer)``) keeps its meaning there.

That holds only if no kept site of the project still reads the OpenTracing global tracer (the
bridge serves those from the provider, not from ``get_tracer``): :data:`GLOBAL_TRACER` is the
symbol a file keeps for that (``flows.kept_symbols``), and such patches then stay as written.
A name the patch binds (``as t``, the argument a decorator injects) then holds the patched
``get_tracer``, not the tracer: its reads become ``t.return_value`` (the tracer every call
gives). A patch whose name is bound again in its block, or whose mock the test looks into
(``t.start_span.assert_called_once()``: OpenTracing's API), is left as written.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from typing import Optional

import libcst as cst

from otelbridge.migration_tool.engine.index import AMBIENT, Module, ProjectIndex, SymbolKey
from otelbridge.migration_tool.model import Kind, LegacyModel
from otelbridge.migration_tool.names import GLOBAL_TRACER_ATTRS, GLOBAL_TRACER_CALLS
from otelbridge.migration_tool.state import MigrationState, per_model
from otelbridge.migration_tool.walk import walk

#: ``GLOBAL_TRACER + (path,)``: the OpenTracing global tracer, read at a kept site of that file.
GLOBAL_TRACER: SymbolKey = (AMBIENT, "opentracing.tracer")
PATCH = frozenset({"unittest.mock.patch", "mock.patch"})
PATCH_OBJECT = frozenset({"unittest.mock.patch.object", "mock.patch.object"})
#: what migrated code calls to read the global tracer
OTEL_TARGET = "opentelemetry.trace.get_tracer"
_KEY = "otelbridge.global_patches"
#: comparisons that hold for the one object every patched ``get_tracer`` call returns
_SAME = (cst.Is, cst.IsNot, cst.Equal, cst.NotEqual)
_SAME_ASSERTIONS = frozenset(
    {"assertIs", "assertIsNot", "assertEqual", "assertEquals", "assertNotEqual", "assertNotEquals"}
)
_PLAN_KEY = "otelbridge.legacy"  # legacy.PLAN_KEY (legacy imports the transforms)


@dataclass(frozen=True)
class GlobalPatch:
    """A ``patch`` call replacing OpenTracing's global tracer."""

    call: cst.Call
    #: the ``mock.patch`` function to call instead (``mock.patch`` for ``mock.patch.object``)
    patch: cst.BaseExpression
    #: the tracer it installs (``None``: a ``MagicMock`` made by ``patch``)
    new: Optional[cst.BaseExpression]


def _text(node: cst.CSTNode) -> str:
    return cst.Module([]).code_for_node(node)


def _string(node: cst.BaseExpression) -> Optional[str]:
    value = node.evaluated_value if isinstance(node, cst.SimpleString) else None
    return value if isinstance(value, str) else None


def read_patch(model: LegacyModel, call: cst.Call) -> Optional[GlobalPatch]:
    """``call`` as a patch of the global tracer that names its target and, at most, ``new``."""
    names = model.qualified_names(call.func)
    if not names & (PATCH | PATCH_OBJECT) or any(a.star for a in call.args):
        return None
    positional = [a.value for a in call.args if a.keyword is None]
    keywords = {a.keyword.value: a.value for a in call.args if a.keyword is not None}
    if set(keywords) - {"new"}:
        return None
    if names & PATCH:
        if not positional or _string(positional[0]) != "opentracing.tracer":
            return None
        rest, patch = positional[1:], call.func
    else:
        if len(positional) < 2 or _string(positional[1]) != "tracer":
            return None
        if "opentracing" not in model.qualified_names(positional[0]):
            return None
        assert isinstance(call.func, cst.Attribute)
        rest, patch = positional[2:], call.func.value
    if len(rest) + len(keywords) > 1:
        return None
    new = rest[0] if rest else keywords.get("new")
    return GlobalPatch(call, patch, new)


def kept_global_reads(state: MigrationState) -> set[cst.CSTNode]:
    """The reads of the OpenTracing global tracer at kept sites of this file (the plan so far):
    kept reads of it, and tracer variables a kept site reads it through instead."""
    model = state.model
    plan = state.context.scratch.get(_PLAN_KEY)
    found: set[cst.CSTNode] = set(getattr(plan, "swaps", ()))
    for node in model.frozen:
        named = node.func if isinstance(node, cst.Call) else node
        if isinstance(named, cst.BaseExpression) and model.qualified_names(named) & (
            GLOBAL_TRACER_ATTRS | GLOBAL_TRACER_CALLS
        ):
            found.add(node)
    return found


def keeps_global_tracer(state: MigrationState) -> bool:
    """Whether a kept site of this file reads the OpenTracing global tracer."""
    return bool(kept_global_reads(state))


def _reads(block: cst.CSTNode, name: str) -> Optional[list[cst.Name]]:
    """The reads of the variable ``name`` in ``block`` (``None``: it is bound there again)."""
    keywords: set[cst.CSTNode] = set()
    receivers: set[cst.CSTNode] = set()
    found = []
    for node in walk(block):
        if isinstance(node, cst.Arg) and node.keyword is not None:
            keywords.add(node.keyword)
        elif isinstance(node, cst.Attribute):
            receivers.add(node.value)
        elif isinstance(node, (cst.AssignTarget, cst.Param, cst.AsName, cst.For)):
            target = node.name if isinstance(node, (cst.Param, cst.AsName)) else node.target
            if _binds(target, name):
                return None
        elif isinstance(node, cst.Name) and node.value == name and node not in keywords:
            if node in receivers:
                return None  # the test looks into the mock (what OpenTracing's API was called)
            found.append(node)
    return found


def _binds(target: cst.CSTNode, name: str) -> bool:
    if isinstance(target, cst.Name):
        return target.value == name
    if isinstance(target, (cst.Tuple, cst.List)):
        return any(_binds(e.value, name) for e in target.elements)
    if isinstance(target, cst.StarredElement):
        return _binds(target.value, name)
    return False


def _kept_in_reach(index: ProjectIndex, module: Module) -> bool:
    """Whether a kept site reads the global tracer in a project module that ``module`` imports
    (transitively), or in a ``conftest.py`` beside it or above (what its tests may run); its
    own kept reads are weighed by :meth:`GlobalPatches._keep`."""
    work, seen = [module], {module.path}
    directory = os.path.dirname(module.path)
    while True:
        conftest = index.by_path.get(os.path.join(directory, "conftest.py"))
        if conftest is not None and conftest.path not in seen:
            work.append(conftest)
            seen.add(conftest.path)
        parent = os.path.dirname(directory)
        if parent == directory:
            break
        directory = parent
    while work:
        current = work.pop()
        if current is not module and index.keeps((*GLOBAL_TRACER, current.path)):
            return True
        for source, name in current.imports.values():
            for dotted_name in (source, f"{source}.{name}") if name else (source,):
                for found in index.modules.get(dotted_name, ()):
                    if found.path not in seen:
                        seen.add(found.path)
                        work.append(found)
    return False


@dataclass
class _Group:
    """Patches converted together: the calls, the names they bind, the nodes run under them
    (``None``: not known), the assertion given a patch of its own."""

    calls: dict[cst.Call, GlobalPatch]
    returned: list[cst.Name]
    region: Optional[set[cst.CSTNode]]
    line: Optional[cst.SimpleStatementLine] = None


class GlobalPatches:
    """The global-tracer patches of one file that are converted, and the nodes they cover."""

    def __init__(self, state: MigrationState) -> None:
        self._model = state.model
        self.converted: dict[cst.Call, GlobalPatch] = {}
        #: nodes evaluated while a converted patch is active (a decorated test, a with body)
        self.covered: set[cst.CSTNode] = set()
        #: reads of a name the patch binds, which now holds ``get_tracer``: ``.return_value``
        self.returned: set[cst.Name] = set()
        #: nodes covered by converted patches that bind no name read there: setting the global
        #: tracer there sets what the patched ``get_tracer`` returns (``transforms/setup.py``)
        self.unbound: set[cst.CSTNode] = set()
        #: assertions comparing the global tracer, run under a patch of their own
        self.wrapped: set[cst.SimpleStatementLine] = set()
        self._seen: set[cst.CSTNode] = set()  # decorators and with items, read as such
        module = state.wrapper.module
        if "opentracing" not in module.code:  # a comparison may need a patch of its own
            return
        project = self._model.project
        if project is not None and _kept_in_reach(*project):
            return
        groups: list[_Group] = []
        for node in walk(module):
            if isinstance(node, cst.FunctionDef):
                groups += self._decorated(node)
            elif isinstance(node, cst.With):
                groups += self._with(node)
            elif isinstance(node, cst.Call) and node not in self._seen:
                groups += self._other(node)
        covered = set().union(*(g.region for g in groups if g.region is not None))
        for node in walk(module):
            line = node if isinstance(node, cst.SimpleStatementLine) else None
            if line is not None and line not in covered and self._compares_global(line):
                groups.append(_Group({}, [], set(walk(line)), line))
        self._keep(groups, kept_global_reads(state), module)

    def _keep(self, groups: list[_Group], kept: set[cst.CSTNode], module: cst.Module) -> None:
        """Convert the groups no kept read of the global tracer runs under: one in a test
        function runs under the patches around it, one elsewhere (a helper, the library) maybe
        under any patch of the file."""
        if kept:
            tests = [n for n in walk(module) if isinstance(n, cst.FunctionDef)]
            inside = set().union(*(set(walk(t)) for t in tests if t.name.value.startswith("test")))
            if kept - inside:
                return
        for group in groups:
            region = group.region
            if (region is None and kept) or (region is not None and region & kept):
                continue
            if group.returned and region is not None and self._sets_global(region):
                continue  # ``tracer.return_value`` would follow the global tracer set there
            self.converted.update(group.calls)
            self.returned.update(group.returned)
            self.covered |= region or set()
            if not group.returned:
                self.unbound |= region or set()
            if group.line is not None:
                self.wrapped.add(group.line)

    def _sets_global(self, region: set[cst.CSTNode]) -> bool:
        """Whether ``opentracing.tracer = x`` is one of the nodes of ``region``."""
        return any(
            isinstance(node, cst.Assign)
            and any(
                self._model.qualified_names(t.target) & GLOBAL_TRACER_ATTRS for t in node.targets
            )
            for node in region
        )

    @staticmethod
    def of(state: MigrationState) -> GlobalPatches:
        return per_model(state, _KEY, GlobalPatches)

    def _convertible(self, patch: GlobalPatch) -> bool:
        if patch.new is None:
            return True
        return self._model.kind(patch.new) is Kind.TRACER

    def _decorated(self, function: cst.FunctionDef) -> list[_Group]:
        injected = [p.name.value for p in function.params.params]
        if injected[:1] in (["self"], ["cls"]):
            injected = injected[1:]
        # ``patch`` decorators without ``new`` inject their mocks bottom-up, after ``self``
        group = _Group({}, [], set(walk(function.body)))
        for decorator in reversed(function.decorators):
            call = decorator.decorator
            self._seen.add(call)
            patch = read_patch(self._model, call) if isinstance(call, cst.Call) else None
            name = None
            if patch is None or patch.new is None:
                name = injected.pop(0) if injected else None
            if patch is None or not self._convertible(patch):
                continue
            reads = _reads(function.body, name) if name is not None else []
            if reads is not None:
                group.calls[patch.call] = patch
                group.returned += reads
        return [group] if group.calls else []

    def _with(self, statement: cst.With) -> list[_Group]:
        group = _Group({}, [], set(walk(statement.body)))
        for item in statement.items:
            call = item.item
            self._seen.add(call)
            patch = read_patch(self._model, call) if isinstance(call, cst.Call) else None
            if patch is None or not self._convertible(patch):
                continue
            reads: Optional[list[cst.Name]] = []
            if item.asname is not None:
                bound = item.asname.name
                reads = _reads(statement.body, bound.value) if isinstance(bound, cst.Name) else None
            if reads is not None:
                group.calls[patch.call] = patch
                group.returned += reads
        return [group] if group.calls else []

    def _other(self, call: cst.Call) -> list[_Group]:
        """A patcher (``self.patcher = patch(...)``, started later): converted with a ``new``
        tracer (what it covers is not known here)."""
        patch = read_patch(self._model, call)
        if patch is not None and patch.new is not None and self._convertible(patch):
            return [_Group({call: patch}, [], None)]
        return []

    def _compares_global(self, line: cst.SimpleStatementLine) -> bool:
        """``assert x.tracer is opentracing.tracer``, ``self.assertEqual(f(), global_tracer())``:
        one operand reads the global tracer, the other is computed in the statement (a call or
        an attribute: a property may read the global tracer then; a variable holds an earlier
        one, which no patch can make equal); or both are tracers computed there."""
        if len(line.body) != 1:
            return False
        small = line.body[0]
        operands: list[cst.BaseExpression] = []
        if isinstance(small, cst.Assert) and isinstance(small.test, cst.Comparison):
            test = small.test
            if len(test.comparisons) == 1 and isinstance(test.comparisons[0].operator, _SAME):
                operands = [test.left, test.comparisons[0].comparator]
        elif isinstance(small, cst.Expr) and isinstance(small.value, cst.Call):
            call = small.value
            func = call.func
            if isinstance(func, cst.Attribute) and func.attr.value in _SAME_ASSERTIONS:
                operands = [a.value for a in call.args[:2] if a.keyword is None and not a.star]
        if len(operands) != 2:
            return False
        computed = [isinstance(o, (cst.Call, cst.Attribute)) for o in operands]
        reads = [self._reads_global(o) for o in operands]
        if reads.count(True) == 1:
            return computed[reads.index(False)]
        # ``assertEqual(tracing._tracer, tracing.tracer)``: two reads that may each call
        # ``get_tracer()``, one tracer under the patch (a held tracer is left as it was)
        return not any(reads) and all(computed) and all(
            self._model.kind(o) is Kind.TRACER for o in operands
        )

    def unpatched_identity(self, comparison: cst.Comparison) -> bool:
        """``x is opentracing.tracer`` (``==`` too) run under no patch: once migrated it would
        compare with a new tracer (``get_tracer()`` makes one per call), so it never holds."""
        if comparison in self.covered or len(comparison.comparisons) != 1:
            return False
        target = comparison.comparisons[0]
        if not isinstance(target.operator, _SAME):
            return False
        reads = [self._reads_global(o) for o in (comparison.left, target.comparator)]
        return reads.count(True) == 1

    def _reads_global(self, node: cst.BaseExpression) -> bool:
        if isinstance(node, cst.Call):
            return not node.args and bool(
                self._model.qualified_names(node.func) & GLOBAL_TRACER_CALLS
            )
        return bool(self._model.qualified_names(node) & GLOBAL_TRACER_ATTRS)

    def is_converted(self, call: cst.Call) -> bool:
        return call in self.converted
