"""Runs several transforms in one traversal of one parse, with shared metadata and state."""

from __future__ import annotations

from typing import Callable, Sequence, Union

import libcst as cst
from libcst.codemod import CodemodContext, ContextAwareTransformer
from libcst.codemod.visitors import AddImportsVisitor, RemoveImportsVisitor
from libcst.metadata import MetadataWrapper, ScopeProvider

from otelbridge.migration_tool.imports import RemoveImportsKeepingComments
from otelbridge.migration_tool.model import LegacyModel
from otelbridge.migration_tool.names import LEGACY_MODULES
from otelbridge.migration_tool.state import STATE_KEY, STATEMENTS, MigrationState

_Leave = Callable[[cst.CSTNode, cst.CSTNode], Union[cst.CSTNode, cst.RemovalSentinel]]


class Composite(cst.CSTTransformer):
    """Dispatches each ``visit_<Node>``/``leave_<Node>`` to every transform, in order.

    Leave methods chain: each transform receives the node as updated by the previous one, and the
    original node for metadata. The traversal also records bindings for the model and tracks the
    enclosing statement for TODO markers.
    """

    def __init__(self, state: MigrationState, parts: Sequence[ContextAwareTransformer]) -> None:
        super().__init__()
        self._state = state
        self._parts = parts
        self._visits: dict[str, list[Callable[[cst.CSTNode], object]]] = {}
        self._leaves: dict[str, list[_Leave]] = {}

    def _methods(self, table: dict, prefix: str, node: cst.CSTNode) -> list:
        name = type(node).__name__
        methods = table.get(name)
        if methods is None:
            methods = table[name] = [
                m for m in (getattr(p, prefix + name, None) for p in self._parts) if m is not None
            ]
        return methods

    def on_visit(self, node: cst.CSTNode) -> bool:
        record = self._state.model.record
        if isinstance(node, cst.Assign):
            for target in node.targets:
                record(target.target, node.value)
        elif isinstance(node, cst.AnnAssign) and node.value is not None:
            record(node.target, node.value)
        elif isinstance(node, cst.WithItem) and node.asname is not None:
            record(node.asname.name, node.item)
        elif isinstance(node, (cst.Import, cst.ImportFrom)):
            self._record_import(node)
        if isinstance(node, STATEMENTS):
            self._state.statements.append(node)
        for method in self._methods(self._visits, "visit_", node):
            method(node)
        return True

    def on_leave(self, original_node: cst.CSTNode, updated_node: cst.CSTNode):  # type: ignore[no-untyped-def]
        result: object = updated_node
        for method in self._methods(self._leaves, "leave_", original_node):
            result = method(original_node, result)  # type: ignore[arg-type]
            if not isinstance(result, cst.CSTNode):
                break
        if isinstance(original_node, STATEMENTS):
            self._state.statements.pop()
            if isinstance(result, cst.CSTNode):
                result = self._state.add_markers(original_node, result)
            elif isinstance(result, cst.FlattenSentinel) and result.nodes:
                first, *rest = result.nodes
                result = cst.FlattenSentinel([self._state.add_markers(original_node, first), *rest])
        return result

    def on_visit_attribute(self, node: cst.CSTNode, attribute: str) -> None:
        return None

    def on_leave_attribute(self, original_node: cst.CSTNode, attribute: str) -> None:
        return None

    def _record_import(self, node: Union[cst.Import, cst.ImportFrom]) -> None:
        if isinstance(node, cst.Import):
            for alias in node.names:
                name = alias.evaluated_name
                if name.split(".")[0] in LEGACY_MODULES:
                    self._state.legacy_imports.append((name, None, alias.evaluated_alias))
        elif (
            node.module is not None
            and not node.relative
            and not isinstance(node.names, cst.ImportStar)
        ):
            module = cst.helpers.get_full_name_for_node(node.module) or ""
            if module.split(".")[0] in LEGACY_MODULES:
                for alias in node.names:
                    self._state.legacy_imports.append(
                        (module, alias.evaluated_name, alias.evaluated_alias)
                    )


def apply_transforms(
    context: CodemodContext, tree: cst.Module, kinds: Sequence[type[ContextAwareTransformer]]
) -> cst.Module:
    """Parse-once pipeline: one scope analysis, one traversal, then import bookkeeping."""
    wrapper = MetadataWrapper(tree, unsafe_skip_copy=True)
    scopes = wrapper.resolve(ScopeProvider)
    state = MigrationState(context, wrapper, LegacyModel(scopes))
    context.scratch[STATE_KEY] = state
    parts = [kind(context) for kind in kinds]
    for part in parts:
        part.metadata = {ScopeProvider: scopes}  # what ``get_metadata`` reads
    result = wrapper.module.visit(Composite(state, parts))
    if state.rewrites:
        state.schedule_legacy_import_removal()
        if context.scratch.get(AddImportsVisitor.CONTEXT_KEY):
            result = AddImportsVisitor(context).transform_module(result)
        if context.scratch.get(RemoveImportsVisitor.CONTEXT_KEY):
            result = RemoveImportsKeepingComments(context).transform_module(result)
    return result
