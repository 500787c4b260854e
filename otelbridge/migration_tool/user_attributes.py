"""Attributes a project sets on its own tracers (``tracer.component_name = name``).

They are no part of the OpenTracing API: the OpenTelemetry tracer that replaces the object (a
plain Python object) takes them as well, so writing and reading them back leaves the tracer
convertible. Only names the file itself assigns count, and never a member of OpenTracing's
tracer or ``MockTracer`` (nor a private one: those are a tracer's internals).
"""

from __future__ import annotations

from weakref import WeakKeyDictionary

import libcst as cst

from otelbridge.migration_tool.model import Kind
from otelbridge.migration_tool.state import MigrationState
from otelbridge.migration_tool.walk import walk

#: members of OpenTracing's tracers (and jaeger-client's, ``MockTracer``'s): never user data
TRACER_API = frozenset(
    {
        "start_span",
        "start_active_span",
        "inject",
        "extract",
        "scope_manager",
        "active_span",
        "close",
        "flush",
        "finished_spans",
        "reset",
        "register_propagator",
    }
)

_FOUND: WeakKeyDictionary[MigrationState, frozenset[str]] = WeakKeyDictionary()


def user_attributes(state: MigrationState) -> frozenset[str]:
    """The attribute names this file assigns on tracers."""
    found = _FOUND.get(state)
    if found is None:
        names = set()
        for node in walk(state.wrapper.module):
            targets: list[cst.BaseAssignTargetExpression] = []
            if isinstance(node, cst.Assign):
                targets = [t.target for t in node.targets]
            elif isinstance(node, (cst.AnnAssign, cst.AugAssign)):
                targets = [node.target]
            for target in targets:
                if isinstance(target, cst.Attribute) and _own(state, target):
                    names.add(target.attr.value)
        found = _FOUND[state] = frozenset(names)
    return found


def _own(state: MigrationState, target: cst.Attribute) -> bool:
    name = target.attr.value
    if name.startswith("_") or name in TRACER_API:
        return False
    return state.model.kind(target.value) is Kind.TRACER


def is_user_attribute(state: MigrationState, node: cst.Attribute) -> bool:
    """Whether ``node`` reads or writes such an attribute of a tracer."""
    return node.attr.value in user_attributes(state) and _own(state, node)
