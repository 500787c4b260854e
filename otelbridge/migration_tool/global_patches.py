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
A patch whose mock is read under its own name (``as t``, an injected argument the test uses) is
left too: the name would then hold the patched function, not the tracer.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Optional

import libcst as cst

from otelbridge.migration_tool.engine.index import AMBIENT, SymbolKey
from otelbridge.migration_tool.model import Kind, LegacyModel
from otelbridge.migration_tool.names import GLOBAL_TRACER_ATTRS, GLOBAL_TRACER_CALLS
from otelbridge.migration_tool.state import MigrationState
from otelbridge.migration_tool.walk import walk

#: The OpenTracing global tracer, kept on OpenTracing by some file of the project.
GLOBAL_TRACER: SymbolKey = (AMBIENT, "opentracing.tracer")
PATCH = frozenset({"unittest.mock.patch", "mock.patch"})
PATCH_OBJECT = frozenset({"unittest.mock.patch.object", "mock.patch.object"})
#: what migrated code calls to read the global tracer
OTEL_TARGET = "opentelemetry.trace.get_tracer"
_KEY = "otelbridge.global_patches"
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


def keeps_global_tracer(state: MigrationState) -> bool:
    """Whether a kept site of this file reads the OpenTracing global tracer (the plan so far)."""
    model = state.model
    plan = state.context.scratch.get(_PLAN_KEY)
    if plan is not None and getattr(plan, "swaps", None):
        return True
    for node in model.frozen:
        named = node.func if isinstance(node, cst.Call) else node
        if isinstance(named, cst.BaseExpression) and model.qualified_names(named) & (
            GLOBAL_TRACER_ATTRS | GLOBAL_TRACER_CALLS
        ):
            return True
    return False


class GlobalPatches:
    """The global-tracer patches of one file that are converted, and the nodes they cover."""

    def __init__(self, state: MigrationState) -> None:
        self._model = state.model
        self.converted: dict[cst.Call, GlobalPatch] = {}
        #: nodes evaluated while a converted patch is active (a decorated test, a with body)
        self.covered: set[cst.CSTNode] = set()
        self._seen: set[cst.CSTNode] = set()  # decorators and with items, read as such
        module = state.wrapper.module
        if "opentracing" not in module.code or "patch" not in module.code:
            return
        project = self._model.project
        if keeps_global_tracer(state) or (project is not None and project[0].keeps(GLOBAL_TRACER)):
            return
        for node in walk(module):
            if isinstance(node, cst.FunctionDef):
                self._decorated(node)
            elif isinstance(node, cst.With):
                self._with(node)
            elif isinstance(node, cst.Call) and node not in self._seen:
                self._other(node)

    @staticmethod
    def of(state: MigrationState) -> GlobalPatches:
        found = state.context.scratch.get(_KEY)
        if not isinstance(found, GlobalPatches) or found._model is not state.model:
            found = state.context.scratch[_KEY] = GlobalPatches(state)
        return found

    def _convertible(self, patch: GlobalPatch) -> bool:
        if patch.new is None:
            return True
        return self._model.kind(patch.new) is Kind.TRACER

    def _cover(self, node: cst.CSTNode) -> None:
        self.covered.update(walk(node))

    def _decorated(self, function: cst.FunctionDef) -> None:
        injected = [p.name.value for p in function.params.params]
        if injected[:1] in (["self"], ["cls"]):
            injected = injected[1:]
        # ``patch`` decorators without ``new`` inject their mocks bottom-up, after ``self``
        found = False
        for decorator in reversed(function.decorators):
            call = decorator.decorator
            self._seen.add(call)
            patch = read_patch(self._model, call) if isinstance(call, cst.Call) else None
            name = None
            if patch is None or patch.new is None:
                name = injected.pop(0) if injected else None
            if patch is None or not self._convertible(patch):
                continue
            if name is not None and self._reads(function, name):
                continue  # the test reads the tracer mock by its name
            self.converted[patch.call] = patch
            found = True
        if found:
            self._cover(function.body)

    @staticmethod
    def _reads(function: cst.FunctionDef, name: str) -> bool:
        return any(isinstance(n, cst.Name) and n.value == name for n in walk(function.body))

    def _with(self, statement: cst.With) -> None:
        found = False
        for item in statement.items:
            call = item.item
            self._seen.add(call)
            patch = read_patch(self._model, call) if isinstance(call, cst.Call) else None
            if patch is None or item.asname is not None or not self._convertible(patch):
                continue
            self.converted[patch.call] = patch
            found = True
        if found:
            self._cover(statement.body)

    def _other(self, call: cst.Call) -> None:
        """A patcher (``self.patcher = patch(...)``, started later): converted with a ``new``
        tracer (what it covers is not known here)."""
        patch = read_patch(self._model, call)
        if patch is not None and patch.new is not None and self._convertible(patch):
            self.converted[call] = patch

    def is_converted(self, call: cst.Call) -> bool:
        return call in self.converted
