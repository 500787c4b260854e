"""Helper functions that take an OpenCensus span or tracer as a parameter, and the calls that
give it one.

``def _tag(span, request): span.add_attribute(...)`` called as ``_tag(span, request)`` from a
``with tracer.span() as span`` block, or ``def handle(line, tracer): with tracer.span(...)``
called as ``handle(line, tracer)`` by the function that made the tracer: the parameter is known
to be a span or a tracer by its use of a method only OpenCensus' spans (``add_attribute``,
``add_annotation``, ``add_message_event``) or tracers (``span``, ``end_span``, ...) have: usage
evidence. The parameter and what its callers pass convert together: the helper's uses become
OpenTelemetry's only if every call of the helper passes an object of that kind that converts, and
an object passed to the helper converts only if the helper's parameter does.

The callers must all be known: a module-level function of this module, called directly (never
handed out as a value) and, for a public name, imported by no other module of the project; or a
private method of a module-level class, called only as ``self._method(...)`` in that class.
"""

from __future__ import annotations

import dataclasses
from typing import Callable, Iterator, Mapping, Optional

import libcst as cst
from libcst.metadata import Scope

from otelbridge.migration_tool.opencensus.names import (
    SPAN,
    SPAN_ONLY_METHODS,
    TRACER,
    TRACER_ONLY_METHODS,
)
from otelbridge.migration_tool.walk import walk

#: The methods that betray a parameter of each kind (OpenTelemetry's tracers have no ``span``).
_EVIDENCE = {SPAN: SPAN_ONLY_METHODS, TRACER: TRACER_ONLY_METHODS | {"span"}}


@dataclasses.dataclass(frozen=True)
class HelperParameter:
    """A parameter a function uses as an OpenCensus span or tracer."""

    #: ``SPAN`` or ``TRACER``
    kind: str
    function: cst.FunctionDef
    param: cst.Param
    index: int
    #: the loads of the parameter in the function
    uses: tuple[cst.Name, ...]
    #: the argument each call of the function gives it (``None``: a call that gives none)
    arguments: tuple[Optional[cst.BaseExpression], ...]
    #: why the callers are not all known ("" when they are)
    unknown_callers: str


def helper_parameters(
    module: cst.Module,
    scopes: Mapping[cst.CSTNode, Optional[Scope]],
    parents: Mapping[cst.CSTNode, cst.CSTNode],
    exported: Callable[[str], bool],
) -> Iterator[HelperParameter]:
    """Every parameter of a module-level function or a method that is used as an OpenCensus
    span or tracer."""
    for statement in module.body:
        if isinstance(statement, cst.FunctionDef):
            for kind, index, param, uses in _typed_params(statement, scopes, parents):
                arguments, unknown = call_arguments(
                    statement, index, param, scopes, parents, exported, kind
                )
                yield HelperParameter(
                    kind, statement, param, index, tuple(uses), arguments, unknown
                )
        elif isinstance(statement, cst.ClassDef):
            for method in statement.body.body:
                if not isinstance(method, cst.FunctionDef):
                    continue
                for kind, index, param, uses in _typed_params(method, scopes, parents, first=1):
                    arguments, unknown = _method_arguments(
                        module, method, index, param, parents, kind
                    )
                    yield HelperParameter(
                        kind, method, param, index, tuple(uses), arguments, unknown
                    )


def _typed_params(
    function: cst.FunctionDef,
    scopes: Mapping[cst.CSTNode, Optional[Scope]],
    parents: Mapping[cst.CSTNode, cst.CSTNode],
    first: int = 0,
) -> Iterator[tuple[str, int, cst.Param, list[cst.Name]]]:
    """``(kind, index among the arguments a call gives, param, loads)`` of the parameters used
    as OpenCensus spans or tracers (``first``: the parameters before it are not passed,
    ``self``); one with the evidence of both kinds is neither."""
    for index, param in enumerate(function.params.params[first:]):
        uses = parameter_uses(param, scopes)
        kinds = {
            kind
            for use in uses or ()
            for kind, methods in _EVIDENCE.items()
            if _evidence(use, parents, methods)
        }
        if uses is not None and len(kinds) == 1:
            yield kinds.pop(), index, param, uses


def _method_arguments(
    module: cst.Module,
    method: cst.FunctionDef,
    index: int,
    param: cst.Param,
    parents: Mapping[cst.CSTNode, cst.CSTNode],
    kind: str,
) -> tuple[tuple[Optional[cst.BaseExpression], ...], str]:
    """What the ``self.<method>(...)`` calls give the parameter (of ``kind``); every other
    mention of the method's name makes its callers unknown."""
    name = method.name.value
    if not name.startswith("_") or name.endswith("__") or method.decorators:
        return (), f"{name}() can be called from outside its class (its callers are not known)"
    params = method.params.params
    owner = params[0].name.value if params else ""
    found: list[Optional[cst.BaseExpression]] = []
    other = f"{name}() is used other than as {owner}.{name}(...) in its class"
    for node in walk(module):
        if isinstance(node, cst.Name) and node.value == name and parents.get(node) is not method:
            return (), other
        if not (isinstance(node, cst.Attribute) and node.attr.value == name):
            continue
        call = parents.get(node)
        if not (
            isinstance(node.value, cst.Name)
            and node.value.value == owner
            and isinstance(call, cst.Call)
            and call.func is node
            and _inside(call, method, parents)
        ):
            return (), other
        found.append(_argument(call, index, param.name.value))
    if not found:
        return (), f"no call of {name}() in this module gives it a {kind}"
    return tuple(found), ""


def _inside(
    node: cst.CSTNode, method: cst.FunctionDef, parents: Mapping[cst.CSTNode, cst.CSTNode]
) -> bool:
    """Whether ``node`` is in the class that defines ``method``."""
    body = parents.get(method)
    owner = parents.get(body) if body is not None else None  # the class
    current = parents.get(node)
    while current is not None and current is not owner:
        current = parents.get(current)
    return current is owner


def parameter_uses(
    param: cst.Param, scopes: Mapping[cst.CSTNode, Optional[Scope]]
) -> Optional[list[cst.Name]]:
    """The loads of ``param`` (``None`` if the function binds the name again)."""
    scope = scopes.get(param.name)
    if scope is None:
        return None
    assignments = list(scope.assignments[param.name.value])
    if len(assignments) != 1 or getattr(assignments[0], "node", None) is not param:
        return None
    return [a.node for a in assignments[0].references if isinstance(a.node, cst.Name)]


def _evidence(
    use: cst.Name, parents: Mapping[cst.CSTNode, cst.CSTNode], methods: frozenset[str]
) -> bool:
    """``use.<one of methods>(...)``."""
    attribute = parents.get(use)
    call = parents.get(attribute) if isinstance(attribute, cst.Attribute) else None
    return (
        isinstance(attribute, cst.Attribute)
        and attribute.value is use
        and attribute.attr.value in methods
        and isinstance(call, cst.Call)
        and call.func is attribute
    )


def call_arguments(
    function: cst.FunctionDef,
    index: int,
    param: cst.Param,
    scopes: Mapping[cst.CSTNode, Optional[Scope]],
    parents: Mapping[cst.CSTNode, cst.CSTNode],
    exported: Callable[[str], bool],
    kind: str = "value",
) -> tuple[tuple[Optional[cst.BaseExpression], ...], str]:
    """What each call of the module-level ``function`` gives the parameter (a ``kind``, in the
    reasons), and why its calls are not all known ("" when they are)."""
    name = function.name.value
    if function.decorators:
        return (), f"{name}() is decorated (its callers are not all known)"
    if not name.startswith("_") and exported(name):
        return (), f"{name}() is public: other modules may call it with their {kind}s"
    scope = scopes.get(function.name)
    assignments = list(scope.assignments[name]) if scope is not None else []
    if len(assignments) != 1 or getattr(assignments[0], "node", None) is not function:
        return (), f"{name} is also bound to something else"
    found: list[Optional[cst.BaseExpression]] = []
    for access in assignments[0].references:
        call = parents.get(access.node)
        if not (isinstance(call, cst.Call) and call.func is access.node):
            return (), f"{name}() is used as a value (its callers are not all known)"
        found.append(_argument(call, index, param.name.value))
    if not found:
        return (), f"no call of {name}() in this module gives it a {kind}"
    return tuple(found), ""


def _argument(call: cst.Call, index: int, keyword: str) -> Optional[cst.BaseExpression]:
    if any(a.star for a in call.args):
        return None
    for position, item in enumerate(call.args):
        if item.keyword is None and position == index:
            return item.value
        if item.keyword is not None and item.keyword.value == keyword:
            return item.value
    return None


@dataclasses.dataclass(frozen=True)
class PassedParameter:
    """A parameter of a module-level function whose every call, all in this module, gives it
    an argument: what flows into the parameter is what the calls pass."""

    function: cst.FunctionDef
    param: cst.Param
    #: the loads of the parameter in the function
    uses: tuple[cst.Name, ...]
    #: the argument each call gives it
    arguments: tuple[cst.BaseExpression, ...]


def passed_parameter(
    name: cst.Name,
    scopes: Mapping[cst.CSTNode, Optional[Scope]],
    parents: Mapping[cst.CSTNode, cst.CSTNode],
    exported: Callable[[str], bool],
) -> Optional[PassedParameter]:
    """The parameter the load ``name`` reads, if its function's calls are all known."""
    scope = scopes.get(name)
    accesses = scope.accesses[name.value] if scope is not None else ()
    referents = [r for a in accesses if a.node is name for r in a.referents]
    param = getattr(referents[0], "node", None) if len(referents) == 1 else None
    parameters = parents.get(param) if isinstance(param, cst.Param) else None
    function = parents.get(parameters) if isinstance(parameters, cst.Parameters) else None
    if not (
        isinstance(param, cst.Param)
        and isinstance(parameters, cst.Parameters)
        and isinstance(function, cst.FunctionDef)
        and isinstance(parents.get(function), cst.Module)
        and any(p is param for p in parameters.params)  # not *args, keyword-only or default
        and param.default is None
    ):
        return None
    index = next(i for i, p in enumerate(parameters.params) if p is param)
    uses = parameter_uses(param, scopes)
    arguments, unknown = call_arguments(function, index, param, scopes, parents, exported)
    given = [a for a in arguments if a is not None]
    if uses is None or unknown or len(given) != len(arguments):
        return None
    return PassedParameter(function, param, tuple(uses), tuple(given))
