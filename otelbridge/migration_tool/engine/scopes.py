"""LibCST's scope analysis, the same result in half the time.

``MetadataWrapper.resolve(ScopeProvider)`` walks the module four times: a batched traversal per
dependency level (expression contexts, then scopes), each of which only starts the provider's
own visitor from ``visit_Module`` and then walks every node again for nothing. Here the two
providers' visitors run directly, once each, with visit hooks looked up once per node type
instead of once per node and child field (a ``visit_<Node>_<field>`` lookup for every child is
most of a visitor's dispatch). The maps are stored in the wrapper as ``resolve`` would store
them, so later ``resolve`` calls (and ``get_metadata`` of transforms) find them.

Used where the scope analysis was about a third of a migration's time (``composite.py``).
"""

from __future__ import annotations

from types import MappingProxyType
from typing import Any, Callable, Mapping, MutableMapping, Optional, cast

import libcst as cst
from libcst._typed_visitor import CSTTypedVisitorFunctions
from libcst.metadata import ExpressionContextProvider, MetadataWrapper, ScopeProvider
from libcst.metadata.expression_context_provider import (
    ExpressionContext,
    ExpressionContextVisitor,
)
from libcst.metadata.scope_provider import Scope, ScopeVisitor

_Hook = Optional[Callable[[cst.CSTNode], Any]]


class _CachedDispatch:
    """``on_visit`` and the per-field hooks of a ``CSTVisitor``, by a dict per node type. A
    hook that is LibCST's empty default is not called at all."""

    def _hook(self, name: str) -> _Hook:
        method = getattr(type(self), name, None)
        if method is None or method is getattr(CSTTypedVisitorFunctions, name, None):
            return None
        hook: Callable[[cst.CSTNode], Any] = getattr(self, name)
        return hook

    def _hooks(self) -> dict[Any, _Hook]:
        hooks: dict[Any, _Hook] = {}
        self.__dict__["_cached_hooks"] = hooks
        return hooks

    def on_visit(self, node: cst.CSTNode) -> bool:
        hooks = self.__dict__.get("_cached_hooks") or self._hooks()
        kind = type(node)
        try:
            hook = hooks[kind]
        except KeyError:
            hook = hooks[kind] = self._hook("visit_" + kind.__name__)
        return hook is None or hook(node) is not False

    def on_visit_attribute(self, node: cst.CSTNode, attribute: str) -> None:
        self._field_hook(node, attribute, "visit_")

    def on_leave_attribute(self, original_node: cst.CSTNode, attribute: str) -> None:
        self._field_hook(original_node, attribute, "leave_")

    def _field_hook(self, node: cst.CSTNode, attribute: str, prefix: str) -> None:
        hooks = self.__dict__.get("_cached_hooks") or self._hooks()
        key = (type(node), attribute, prefix)
        try:
            hook = hooks[key]
        except KeyError:
            hook = hooks[key] = self._hook(f"{prefix}{type(node).__name__}_{attribute}")
        if hook is not None:
            hook(node)


class _LeaveDispatch(_CachedDispatch):
    def on_leave(self, original_node: cst.CSTNode) -> None:
        hooks = self.__dict__.get("_cached_hooks") or self._hooks()
        key = (type(original_node), "leave")
        try:
            hook = hooks[key]
        except KeyError:
            hook = hooks[key] = self._hook("leave_" + type(original_node).__name__)
        if hook is not None:
            hook(original_node)


class _Contexts(_LeaveDispatch, ExpressionContextVisitor):
    pass


class _Scopes(_CachedDispatch, ScopeVisitor):  # ScopeVisitor.on_leave records the scopes
    pass


def resolve_scopes(wrapper: MetadataWrapper) -> Mapping[cst.CSTNode, Optional[Scope]]:
    """What ``wrapper.resolve(ScopeProvider)`` returns (and caches), computed faster."""
    metadata: MutableMapping[Any, Any] = wrapper._metadata  # what resolve() caches
    if ScopeProvider in metadata:
        return wrapper.resolve(ScopeProvider)
    tree = wrapper.module
    if ExpressionContextProvider not in metadata:
        contexts = ExpressionContextProvider()
        tree.visit(_Contexts(contexts, ExpressionContext.LOAD))
        metadata[ExpressionContextProvider] = MappingProxyType(dict(contexts._computed))
    provider = ScopeProvider()
    with provider.resolve(wrapper):  # gives the visitor the expression contexts
        visitor = _Scopes(provider)
        tree.visit(visitor)
        visitor.infer_accesses()
    computed = MappingProxyType(dict(provider._computed))
    scopes = cast("Mapping[cst.CSTNode, Optional[Scope]]", computed)
    metadata[ScopeProvider] = scopes
    return scopes
