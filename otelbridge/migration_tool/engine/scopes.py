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
from typing import Any, Callable, ClassVar, Mapping, MutableMapping, Optional, cast

import libcst as cst
from libcst._typed_visitor import CSTTypedVisitorFunctions
from libcst.metadata import ExpressionContextProvider, MetadataWrapper, ScopeProvider
from libcst.metadata.expression_context_provider import (
    ExpressionContext,
    ExpressionContextVisitor,
)
from libcst.metadata.scope_provider import Scope, ScopeVisitor

_Hook = Optional[Callable[[Any, cst.CSTNode], Any]]


def _own(cls: type, name: str) -> _Hook:
    """``cls``'s hook ``name``, unless it is LibCST's empty default (then it is not called)."""
    method = getattr(cls, name, None)
    if method is None or method is getattr(CSTTypedVisitorFunctions, name, None):
        return None
    hook: Callable[[Any, cst.CSTNode], Any] = method
    return hook


class _CachedDispatch(cst.CSTVisitor):
    """``on_visit``/``on_leave`` by a dict per node type; the per-field hooks only for the node
    types that have one (a ``visit_<Node>_<field>`` lookup for every child field of every node
    is most of a visitor's dispatch)."""

    _visits: ClassVar[dict[type, _Hook]]
    _leaves: ClassVar[dict[type, _Hook]]
    #: names of the node types with a field hook of the visitor's own
    _fields: ClassVar[frozenset[str]]

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        cls._visits, cls._leaves = {}, {}
        names = [n for n in dir(cls) if n.startswith(("visit_", "leave_")) and n.count("_") > 1]
        cls._fields = frozenset(n.split("_")[1] for n in names if _own(cls, n) is not None)

    def on_visit(self, node: cst.CSTNode) -> bool:
        kind = type(node)
        try:
            hook = self._visits[kind]
        except KeyError:
            hook = self._visits[kind] = _own(type(self), "visit_" + kind.__name__)
        return hook is None or hook(self, node) is not False

    def on_visit_attribute(self, node: cst.CSTNode, attribute: str) -> None:
        if type(node).__name__ in self._fields:
            super().on_visit_attribute(node, attribute)

    def on_leave_attribute(self, original_node: cst.CSTNode, attribute: str) -> None:
        if type(original_node).__name__ in self._fields:
            super().on_leave_attribute(original_node, attribute)


class _Contexts(_CachedDispatch, ExpressionContextVisitor):
    def on_leave(self, original_node: cst.CSTNode) -> None:
        kind = type(original_node)
        try:
            hook = self._leaves[kind]
        except KeyError:
            hook = self._leaves[kind] = _own(type(self), "leave_" + kind.__name__)
        if hook is not None:
            hook(self, original_node)


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
