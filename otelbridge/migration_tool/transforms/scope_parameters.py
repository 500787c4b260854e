"""A scope handed to a project function: ``helper(scope)``, where ``helper`` reads ``scope.span``.

OpenTracing's ``with tracer.start_active_span(...) as scope`` binds a scope holding the span;
OpenTelemetry's ``start_as_current_span`` binds the span itself. When the whole-project index
says a function's parameter is given a scope by every call (its kind) and the function only reads
``param.span`` or hands the parameter on to another such parameter, the span goes instead: the
caller's ``with`` hands its span (``spans.py``) and each ``param.span`` becomes ``param``. A
parameter used any other way (``param.close()``, stored, returned) stays a scope; the residue marks
that use and ``flows.py`` keeps the callers with it.
"""

from __future__ import annotations

from typing import Iterable, Optional

import libcst as cst
from libcst.metadata import Assignment

from otelbridge.migration_tool.engine.expr import from_cst
from otelbridge.migration_tool.model import Kind, bound_call, index_kind
from otelbridge.migration_tool.transforms.base import LegacyTransform
from otelbridge.migration_tool.walk import walk


def argument_kinds(
    transform: LegacyTransform, call: cst.Call
) -> dict[cst.BaseExpression, Optional[Kind]]:
    """For a call of a project function: the kind (whole-project index) of the parameter each
    argument fills. An object given to a parameter of its own kind is converted on both sides."""
    model = transform.model
    if model.project is None:
        return {}
    index, module = model.project
    func, args = bound_call(model, call)
    found = index.param_kinds(module, model.qualname(call), from_cst(func))
    if found is None:
        return {}
    positional, kinds = found
    sinks: dict[cst.BaseExpression, Optional[Kind]] = {}
    for number, item in enumerate(args):
        name = item.keyword.value if item.keyword is not None else None
        if name is None and not item.star and number < len(positional):
            name = positional[number]
        kind = index_kind(kinds.get(name)) if name else None
        if kind is not None:
            sinks[item.value] = kind
    return sinks


def handed_scopes(
    transform: LegacyTransform, uses: Iterable[cst.Name], body: cst.CSTNode
) -> set[cst.Name]:
    """Of ``uses`` (in ``body``), the ones given as an argument for a project parameter that
    holds a scope."""
    wanted = set(uses)
    handed: set[cst.Name] = set()
    for node in walk(body):
        if isinstance(node, cst.Call) and any(item.value in wanted for item in node.args):
            for value, kind in argument_kinds(transform, node).items():
                if kind is Kind.SCOPE and isinstance(value, cst.Name) and value in wanted:
                    handed.add(value)
    return handed


def scope_parameter_reads(
    transform: LegacyTransform, function: cst.FunctionDef
) -> tuple[list[cst.Attribute], list[cst.Name]]:
    """For each parameter of ``function`` that holds a scope: its ``param.span`` reads, which
    become ``param`` when every use is such a read or a hand-off to another scope parameter;
    else its uses, which must stay on OpenTracing (and with them the callers)."""
    model = transform.model
    own_body = walk(function.body, (cst.FunctionDef, cst.ClassDef, cst.Lambda))  # not nested ones
    inside = next((node for node in own_body if isinstance(node, cst.Name)), None)
    if model.project is None or inside is None:
        return [], []
    index, module = model.project
    known = index.function(module, model.qualname(inside))  # the function ``inside`` is in
    if known is None or not any(
        index_kind(index.param(module, known, name)) is Kind.SCOPE for name in known.params
    ):
        return [], []
    names = [node for node in walk(function.body) if isinstance(node, cst.Name)]
    parameters = function.params
    own = {*parameters.posonly_params, *parameters.params, *parameters.kwonly_params}
    uses: dict[cst.CSTNode, list[cst.Name]] = {}  # parameter -> the names reading it
    rebound: set[cst.CSTNode] = set()
    for name in names:
        scope = model.scope(name)
        bindings = list(scope[name.value]) if scope is not None else []
        params = [b.node for b in bindings if isinstance(b, Assignment) and b.node in own]
        if params:
            uses.setdefault(params[0], []).append(name)
            if len(bindings) != 1:
                rebound.add(params[0])
    spans = {
        node.value: node
        for node in walk(function.body)
        if isinstance(node, cst.Attribute)
        and isinstance(node.value, cst.Name)
        and node.attr.value == "span"
    }
    reads: list[cst.Attribute] = []
    kept: list[cst.Name] = []
    for param, found in uses.items():
        # every use's kind asked: a use kept below must be known to come from the project
        if Kind.SCOPE not in [transform.kind(use) for use in found]:
            continue
        rest = [use for use in found if use not in spans]
        others = set(rest) - handed_scopes(transform, rest, function.body)
        if others or param in rebound:
            kept.extend(use for use in found if use in others or param in rebound)
        else:
            reads.extend(spans[use] for use in found if use in spans)
    return reads, kept
