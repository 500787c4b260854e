"""A ``Tracer`` built per request around the caller's span context, as middlewares do.

OpenCensus middlewares read the caller's span context with ``propagator.from_headers(headers)``
and build a ``Tracer(span_context=..., sampler=self.sampler, exporter=self.exporter,
propagator=self.propagator)`` for the request, whose first span is the remote parent's child.
OpenTelemetry has no tracer per request: the headers become a context
(``propagate.extract(headers)``) given as ``context=`` to the one span the tracer starts, and the
sampler, exporter and propagator, held in attributes set up elsewhere, belong to the SDK set-up
(``otelbridge.sdk.configure()``), which a note asks for.
"""

from __future__ import annotations

from typing import Callable, Mapping, Optional

import libcst as cst
from libcst.metadata import Assignment, Scope

from otelbridge.migration_tool.opencensus.names import PROPAGATORS
from otelbridge.migration_tool.transforms.base import arg

HELD_NOTE = (
    "{}() took its set-up from values set elsewhere ({}): OpenTelemetry samples, exports and "
    "propagates as set once in otelbridge.sdk.configure() at the application's start: move "
    "them there"
)
_SETUP = ("sampler", "exporter", "propagator")


def remote_parent(
    value: cst.BaseExpression,
    scopes: Mapping[cst.CSTNode, Optional[Scope]],
    parents: Mapping[cst.CSTNode, cst.CSTNode],
) -> Optional[tuple[cst.Name, cst.Call]]:
    """``span_context=name`` where ``name`` is bound once, to ``P.from_headers(h)``, and used
    only here: the name and that call (the name then holds the extracted context)."""
    if not isinstance(value, cst.Name):
        return None
    scope = scopes.get(value)
    if scope is None:
        return None
    assignments = list(scope.assignments[value.value])
    if len(assignments) != 1 or not isinstance(assignments[0], Assignment):
        return None
    target = assignments[0].node
    references = list(assignments[0].references)
    if len(references) != 1 or references[0].node is not value:
        return None
    assign = _assign_of(target, parents)
    if assign is None:
        return None
    call = assign.value
    if not isinstance(call, cst.Call) or not method_call(call, "from_headers"):
        return None
    assert isinstance(target, cst.Name)
    return target, call


def method_call(call: cst.Call, method: str) -> bool:
    """Whether ``call`` is ``<receiver>.<method>(x)``, one positional argument."""
    return (
        isinstance(call.func, cst.Attribute)
        and call.func.attr.value == method
        and len(call.args) == 1
        and call.args[0].keyword is None
        and not call.args[0].star
    )


def bound_propagator(
    value: cst.BaseExpression,
    scopes: Mapping[cst.CSTNode, Optional[Scope]],
    parents: Mapping[cst.CSTNode, cst.CSTNode],
    names: Callable[[cst.CSTNode], set[str]],
) -> Optional[cst.Call]:
    """The ``P()`` of one of OpenCensus' propagators that the name ``value`` is bound to, once
    (OpenCensus' README: ``propagator = TraceContextPropagator()``), if it is."""
    scope = scopes.get(value) if isinstance(value, cst.Name) else None
    if scope is None or not isinstance(value, cst.Name):
        return None
    assignments = list(scope[value.value])  # the name's bindings where it is read
    if len(assignments) != 1 or not isinstance(assignments[0], Assignment):
        return None
    assign = _assign_of(assignments[0].node, parents)
    made = assign.value if assign is not None else None
    if isinstance(made, cst.Call) and not made.args and names(made.func) & PROPAGATORS.keys():
        return made
    return None


def _assign_of(
    target: cst.CSTNode, parents: Mapping[cst.CSTNode, cst.CSTNode]
) -> Optional[cst.Assign]:
    """The one-target ``target = value`` assignment binding the name ``target``, if it is one."""
    holder = parents.get(target) if isinstance(target, cst.Name) else None
    assign = parents.get(holder) if isinstance(holder, cst.AssignTarget) else None
    return assign if isinstance(assign, cst.Assign) and len(assign.targets) == 1 else None


def held_setup(
    call: cst.Call, place: Mapping[str, int], resolved: frozenset[str] = frozenset()
) -> str:
    """The set-up arguments of ``call`` given as names or attributes (``sampler=self.sampler``),
    as written, but the ``resolved`` ones (a name whose one value moves with the set-up); ""
    if none is."""
    held = []
    for name in _SETUP:
        if name in resolved:
            continue
        given = arg(call, name, place.get(name))
        if given is not None and isinstance(given.value, (cst.Name, cst.Attribute)):
            if isinstance(given.value, cst.Name) and given.value.value == "None":
                continue
            held.append(f"{name}={cst.Module([]).code_for_node(given.value)}")
    return ", ".join(held)
