"""Runs several transforms in one traversal of one parse, with shared metadata and state."""

from __future__ import annotations

from typing import Callable, NamedTuple, Optional, Sequence, Union, cast

import libcst as cst
from libcst.codemod import CodemodContext, ContextAwareTransformer
from libcst.metadata import MetadataWrapper, ScopeProvider

from otelbridge.migration_tool.engine.scopes import resolve_scopes
from otelbridge.migration_tool.imports import (
    add_imports,
    bound_items,
    names_read,
    remove_unused_imports,
    unalias,
)
from otelbridge.migration_tool.model import LegacyModel
from otelbridge.migration_tool.names import REMOVABLE_IMPORTS, REMOVABLE_MODULES
from otelbridge.migration_tool.state import PROJECT_KEY, STATE_KEY, STATEMENTS, MigrationState

_Left = Union[cst.CSTNode, cst.RemovalSentinel, cst.FlattenSentinel[cst.CSTNode]]
_Leave = Callable[[cst.CSTNode, cst.CSTNode], _Left]
#: Node types whose visit records something for the import bookkeeping.
_IMPORTS = frozenset({cst.Import, cst.ImportFrom})


class _Plan(NamedTuple):
    statement: bool
    visits: tuple[Callable[[cst.CSTNode], object], ...]
    leaves: tuple[_Leave, ...]


class Composite(cst.CSTTransformer):
    """Dispatches each ``visit_<Node>``/``leave_<Node>`` to every transform, in order.

    Leave methods chain: each transform receives the node as updated by the previous one, and the
    original node for metadata. The traversal also records legacy imports and tracks the
    enclosing statement for TODO markers.
    """

    def __init__(self, state: MigrationState, parts: Sequence[ContextAwareTransformer]) -> None:
        super().__init__()
        self._state = state
        self._parts = parts
        self._plans: dict[type, _Plan] = {}

    def _plan(self, kind: type) -> _Plan:
        """What to do for nodes of one type, worked out once per traversal (most of a module's
        nodes are whitespace and names that no transform looks at)."""
        name = kind.__name__
        plan = self._plans[kind] = _Plan(
            issubclass(kind, STATEMENTS),
            tuple(m for m in (getattr(p, "visit_" + name, None) for p in self._parts) if m),
            tuple(m for m in (getattr(p, "leave_" + name, None) for p in self._parts) if m),
        )
        return plan

    def on_visit(self, node: cst.CSTNode) -> bool:
        kind = type(node)
        plan = self._plans.get(kind) or self._plan(kind)
        if kind in _IMPORTS:
            self._record_import(cast("Union[cst.Import, cst.ImportFrom]", node))
        if plan.statement:
            self._state.statements.append(node)
        for method in plan.visits:
            method(node)
        return True

    def on_leave(
        self, original_node: cst.CSTNodeT, updated_node: cst.CSTNodeT
    ) -> Union[cst.CSTNodeT, cst.RemovalSentinel, cst.FlattenSentinel[cst.CSTNodeT]]:
        plan = self._plans[type(original_node)]
        if not plan.leaves and not plan.statement:
            return updated_node
        result: _Left = updated_node
        node: cst.CSTNode = updated_node
        for method in plan.leaves:
            result = method(original_node, node)
            if result is node:  # the usual answer: unchanged (skips an ABC isinstance check)
                continue
            if not isinstance(result, cst.CSTNode):
                break
            node = result
        if plan.statement:
            self._state.statements.pop()
            if isinstance(result, cst.CSTNode):
                result = self._state.add_markers(original_node, result)
            elif isinstance(result, cst.FlattenSentinel) and result.nodes:
                first, *rest = result.nodes
                result = cst.FlattenSentinel([self._state.add_markers(original_node, first), *rest])
        # libcst's signature keeps the node type; a transform may change it (libcst allows that).
        return cast(
            "Union[cst.CSTNodeT, cst.RemovalSentinel, cst.FlattenSentinel[cst.CSTNodeT]]", result
        )

    def on_visit_attribute(self, node: cst.CSTNode, attribute: str) -> None:
        return None

    def on_leave_attribute(self, original_node: cst.CSTNode, attribute: str) -> None:
        return None

    def _record_import(self, node: Union[cst.Import, cst.ImportFrom]) -> None:
        for item in bound_items(node):
            if item[1] != "*" and (
                item[0].split(".")[0] in REMOVABLE_IMPORTS
                or any(item[0] == m or item[0].startswith(m + ".") for m in REMOVABLE_MODULES)
            ):
                self._state.legacy_imports.append(item)


def apply_transforms(
    context: CodemodContext,
    tree: cst.Module,
    kinds: Sequence[type[ContextAwareTransformer]],
    wrapper: Optional[MetadataWrapper] = None,
) -> cst.Module:
    """Parse-once pipeline: one scope analysis, one traversal, then import bookkeeping.

    Passes over the same tree share a ``wrapper`` (of ``tree``, made with
    ``unsafe_skip_copy=True``), which keeps the scope analysis it resolved.
    """
    if wrapper is None:
        wrapper = MetadataWrapper(tree, unsafe_skip_copy=True)
    assert wrapper.module is tree, "the wrapper must wrap this very tree"
    scopes = resolve_scopes(wrapper)
    model = LegacyModel(scopes, context.scratch.get(PROJECT_KEY))
    model.prerecord(tree)
    state = MigrationState(context, wrapper, model)
    context.scratch[STATE_KEY] = state
    parts = [kind(context) for kind in kinds]
    for part in parts:
        part.metadata = {ScopeProvider: scopes}  # what ``get_metadata`` reads
    result = wrapper.module.visit(Composite(state, parts))
    if not state.rewrites:
        return result
    read = names_read(result)
    # A rewrite kept back by a partial conversion may have asked for an import it no longer uses.
    needed = [item for item in state.needed_imports if (item[2] or item[1]) in read]
    if needed:
        legacy = {item[0].split(".")[0] for item in state.legacy_imports}
        result = add_imports(result, needed, legacy)
    if state.legacy_imports:
        result = remove_unused_imports(result, state.legacy_imports, read)
        result = unalias(result, [item for item in needed if item[2] is not None], read)
    return result
