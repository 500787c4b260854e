"""A project helper that makes spans takes the ``span.kind`` its callers tag right after.

``span = utils.start_child_span(...)`` followed by ``span.set_tag(tags.SPAN_KIND, ...)``: the
span is made in another function (``return tracer.start_span(...)``), and OpenTelemetry takes a
kind only at creation. Such a helper (the index's ``wants_kind``: one return, a ``start_span``
call, and a project call site that tags the kind) gets a parameter
``kind=trace.SpanKind.INTERNAL`` given to its ``start_span``; each call site that tags the kind
passes ``kind=`` and its tag goes (the plan of ``span_kind.py``). Both ends convert only with the
span flow between them (``flows.py``): a kept helper returns a kept span, which no call site moves
a kind into.
"""

from __future__ import annotations

from typing import Optional

import libcst as cst

from otelbridge.migration_tool.engine.expr import from_cst
from otelbridge.migration_tool.engine.index import Function
from otelbridge.migration_tool.model import Kind, bound_call
from otelbridge.migration_tool.transforms.arguments import keyword
from otelbridge.migration_tool.transforms.base import LegacyTransform, sole_assignment

#: ``context.scratch`` key: the functions given the parameter in this file
GIVEN_KEY = "otelbridge.kind_parameter"


def _target(transform: LegacyTransform, call: cst.Call) -> Optional[Function]:
    """The project function ``call`` runs, when it takes a kind (``ProjectIndex.wants_kind``)."""
    model = transform.model
    if model.project is None:
        return None
    index, module = model.project
    qualname = model.qualname(call)
    func, _ = bound_call(model, call)
    target = index.callee(module, index.function(module, qualname), from_cst(func))
    if target is None or not index.wants_kind(target[0], target[1]):
        return None
    return target[1]


def project_creation(
    transform: LegacyTransform, statement: cst.BaseStatement
) -> Optional[tuple[cst.Call, tuple[str, ...]]]:
    """``name = helper(...)`` where the helper takes a kind and gives an OpenTracing span."""
    small = sole_assignment(statement)
    if small is None or not isinstance(small.targets[0].target, cst.Name):
        return None
    call = small.value
    if not isinstance(call, cst.Call) or any(a.star for a in call.args):
        return None
    if any(a.keyword is not None and a.keyword.value == "kind" for a in call.args):
        return None
    if transform.kind(call) is not Kind.SPAN or _target(transform, call) is None:
        return None
    return call, (small.targets[0].target.value,)


def returned_by_helper(
    transform: LegacyTransform, creation: cst.Call, returned: bool, bound_to: Optional[str]
) -> bool:
    """Whether the ``start_span`` call ``creation`` is what a kind-taking helper returns: the
    value of its ``return`` (``returned``) or of the one name it returns (``bound_to``)."""
    model = transform.model
    if model.project is None:
        return False
    index, module = model.project
    function = index.function(module, model.qualname(creation))
    if function is None or not index.wants_kind(module, function):
        return False
    return returned or (bound_to is not None and function.returns == [("name", bound_to)])


def pass_kind(transform: LegacyTransform, creation: cst.Call, args: list[cst.Arg]) -> list[cst.Arg]:
    """The helper's ``start_span`` arguments with ``kind=kind``; its def gets the parameter,
    whose default is the kind the helper gave itself (its own tag), else INTERNAL."""
    given: dict[Optional[str], Optional[cst.BaseExpression]] = (
        transform.state.context.scratch.setdefault(GIVEN_KEY, {})
    )
    qualname = transform.model.qualname(creation)
    for number, item in enumerate(args):
        if item.keyword is not None and item.keyword.value == "kind":
            given[qualname] = item.value
            args[number] = item.with_changes(value=cst.Name("kind"))
            return args
    given[qualname] = None
    return appended(args, keyword("kind", cst.Name("kind")))


def appended(args: list[cst.Arg], new: cst.Arg) -> list[cst.Arg]:
    """``args`` and ``new`` last, laid out as the others (a multi-line call stays one)."""
    if not args:
        return [new]
    last = args[-1]
    comma = next(
        (a.comma for a in reversed(args[:-1]) if isinstance(a.comma, cst.Comma)),
        cst.Comma(whitespace_after=cst.SimpleWhitespace(" ")),
    )
    new = new.with_changes(whitespace_after_arg=last.whitespace_after_arg)
    last = last.with_changes(comma=comma, whitespace_after_arg=cst.SimpleWhitespace(""))
    return [*args[:-1], last, new]


def with_kind_parameter(
    transform: LegacyTransform, original: cst.FunctionDef, updated: cst.FunctionDef
) -> cst.FunctionDef:
    """``def helper(..., kind=trace.SpanKind.INTERNAL)`` once its creation passes ``kind``."""
    given = transform.state.context.scratch.get(GIVEN_KEY, {})
    body = original.body.body
    qualname = transform.model.qualname(body[0]) if given and body else None
    if qualname not in given:
        return updated
    default = given[qualname] or transform.expr(original, "{trace}.SpanKind.INTERNAL")
    param = cst.Param(
        cst.Name("kind"),
        default=default,
        equal=cst.AssignEqual(cst.SimpleWhitespace(""), cst.SimpleWhitespace("")),
    )
    params = updated.params
    if isinstance(params.star_arg, cst.Param) or params.kwonly_params:
        return updated.with_changes(
            params=params.with_changes(kwonly_params=[*params.kwonly_params, param])
        )
    return updated.with_changes(params=params.with_changes(params=[*params.params, param]))
