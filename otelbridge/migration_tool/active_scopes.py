"""The project pre-pass that reads the active scope's span as the tracer's active span.

Code that wants the current span often asks the scope manager for the active scope::

    scope = opentracing.tracer.scope_manager.active
    if scope is not None:
        scope.span.set_tag("user", user)

OpenTracing defines ``tracer.active_span`` as exactly that (``None`` without an active scope,
else its ``span``), which the rewrite maps to ``trace.get_current_span()`` with its ``None``
checks and truth tests. So, before the index, ``<tracer>.scope_manager.active.span`` is spelled
``<tracer>.active_span``, and a variable bound once to ``<tracer>.scope_manager.active`` whose
every read is ``.span``, a ``None`` comparison or a truth test holds ``<tracer>.active_span``,
its ``.span`` reads becoming the variable itself. Before, the scope manager was not mapped:
the code stayed on OpenTracing while the spans it looked for moved to OpenTelemetry, and
without the bridge it found no scope (``None.span``: ``AttributeError``).
"""

from __future__ import annotations

from typing import Optional

import libcst as cst
from libcst.metadata import Assignment, MetadataWrapper, ParentNodeProvider

from otelbridge.migration_tool.engine.scopes import resolve_scopes
from otelbridge.migration_tool.prepasses import ChangingTransformer, rewrite_each
from otelbridge.migration_tool.transforms.tracer import truth_tests
from otelbridge.migration_tool.walk import walk


def plan(sources: dict[str, str]) -> dict[str, str]:
    """For ``sources`` (path -> text): the new texts of the modules that read active scopes."""
    return rewrite_each(sources, ("opentracing", "scope_manager.active"), _Spelled)


def _active_scope(node: cst.CSTNode) -> Optional[cst.BaseExpression]:
    """The tracer of ``<tracer>.scope_manager.active``, if ``node`` is that."""
    if (
        isinstance(node, cst.Attribute)
        and node.attr.value == "active"
        and isinstance(node.value, cst.Attribute)
        and node.value.attr.value == "scope_manager"
    ):
        return node.value.value
    return None


class _Spelled(ChangingTransformer):
    def __init__(self, wrapper: MetadataWrapper) -> None:
        super().__init__()
        self._parents = wrapper.resolve(ParentNodeProvider)
        self._scopes = resolve_scopes(wrapper)
        #: ``.span`` reads of variables holding the active scope: they read the variable
        self._span_reads: set[cst.Attribute] = set()
        #: the values ``<tracer>.scope_manager.active`` those variables are bound to
        self._bound: set[cst.Attribute] = set()
        self._truths = _truth_reads(wrapper.module)
        for node in self._parents:
            if isinstance(node, cst.Assign):
                self._read_binding(node)

    def _read_binding(self, assign: cst.Assign) -> None:
        """``name = <tracer>.scope_manager.active`` whose every read maps (see the module)."""
        if len(assign.targets) != 1 or _active_scope(assign.value) is None:
            return
        target = assign.targets[0].target
        scope = self._scopes.get(target)
        if not isinstance(target, cst.Name) or scope is None:
            return
        bindings = list(scope.assignments[target.value])
        if len(bindings) != 1 or not isinstance(bindings[0], Assignment):
            return
        span_reads = []
        for access in bindings[0].references:
            read = access.node
            parent = self._parents.get(read)
            if isinstance(parent, cst.Attribute) and parent.value is read:
                if parent.attr.value != "span":
                    return
                span_reads.append(parent)
            elif not (read in self._truths or _none_compared(read, parent)):
                return  # handed on, returned, stored: what reads it wants a scope
        self._span_reads.update(span_reads)
        self._bound.add(cst.ensure_type(assign.value, cst.Attribute))

    def leave_Attribute(
        self, original_node: cst.Attribute, updated_node: cst.Attribute
    ) -> cst.BaseExpression:
        if original_node in self._span_reads:
            self.changed = True
            return updated_node.value
        if original_node in self._bound:
            self.changed = True
            return _active_span(updated_node)
        if original_node.attr.value == "span" and _active_scope(original_node.value) is not None:
            self.changed = True  # ``<tracer>.scope_manager.active.span``
            return _active_span(cst.ensure_type(updated_node.value, cst.Attribute))
        return updated_node


def _active_span(active: cst.Attribute) -> cst.Attribute:
    """``<tracer>.active_span`` for ``<tracer>.scope_manager.active``."""
    manager = cst.ensure_type(active.value, cst.Attribute)
    return active.with_changes(value=manager.value, attr=cst.Name("active_span"))


def _none_compared(read: cst.CSTNode, parent: Optional[cst.CSTNode]) -> bool:
    """``read is None``, ``read is not None``."""
    if not isinstance(parent, cst.Comparison) or parent.left is not read:
        return False
    if len(parent.comparisons) != 1:
        return False
    target = parent.comparisons[0]
    return isinstance(target.operator, (cst.Is, cst.IsNot)) and (
        isinstance(target.comparator, cst.Name) and target.comparator.value == "None"
    )


def _truth_reads(module: cst.Module) -> set[cst.CSTNode]:
    """The expressions an ``if``/``while`` test (or an ``x if test else y``) reads for their
    truth alone."""
    found: set[cst.CSTNode] = set()
    for node in walk(module):
        if isinstance(node, (cst.If, cst.While, cst.IfExp)):
            found.update(truth_tests(node.test))
    return found
