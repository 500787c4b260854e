"""Azure's cloud-role telemetry processor -> the resource attributes Azure Monitor reads instead.

OpenCensus' Azure exporters take ``exporter.add_telemetry_processor(callback)``; the common
callback only names the service in Application Insights' application map::

    def callback(envelope):
        envelope.tags["ai.cloud.role"] = "orders-api"

With OpenTelemetry, Azure Monitor takes the cloud role from ``service.name`` and the role instance
from ``service.instance.id``, so such a callback becomes those resource attributes, given to
``configure()``. Any other callback has no equivalent (the
exporter stays, marked).
"""

from __future__ import annotations

from typing import Mapping, Optional

import libcst as cst
from libcst.metadata import Assignment, Scope

#: envelope tag -> the resource attribute Azure Monitor maps to it
TAGS = {"ai.cloud.role": "service.name", "ai.cloud.roleInstance": "service.instance.id"}
NOTE = (
    "the telemetry processor {} set the cloud role: Azure Monitor reads it from the resource "
    "(service.name, service.instance.id) now, and {} is no longer called"
)


def processor_settings(
    statement: cst.CSTNode,
    receiver: cst.Name,
    scopes: Mapping[cst.CSTNode, Optional[Scope]],
) -> Optional[tuple[dict[str, cst.BaseExpression], str]]:
    """For ``receiver.add_telemetry_processor(callback)`` as the whole ``statement``, with a
    module-level ``callback`` that only sets cloud-role tags to literal strings: the resource
    attributes they become and a note; else ``None``."""
    if not (isinstance(statement, cst.SimpleStatementLine) and len(statement.body) == 1):
        return None
    small = statement.body[0]
    call = small.value if isinstance(small, cst.Expr) else None
    if not (
        isinstance(call, cst.Call)
        and isinstance(call.func, cst.Attribute)
        and call.func.value is receiver
        and call.func.attr.value == "add_telemetry_processor"
        and len(call.args) == 1
        and call.args[0].keyword is None
        and not call.args[0].star
        and isinstance(call.args[0].value, cst.Name)
    ):
        return None
    callback = _function(call.args[0].value, scopes)
    tags = _role_tags(callback) if callback is not None else None
    if not tags:
        return None
    name = call.args[0].value.value
    return tags, NOTE.format(name, name)


def _function(
    name: cst.Name, scopes: Mapping[cst.CSTNode, Optional[Scope]]
) -> Optional[cst.FunctionDef]:
    """The one module-level ``def`` the load ``name`` reads."""
    scope = scopes.get(name)
    if scope is None:
        return None
    accesses = [a for a in scope.accesses[name.value] if a.node is name]
    referents = list(accesses[0].referents) if len(accesses) == 1 else []
    if len(referents) != 1 or not isinstance(referents[0], Assignment):
        return None
    node = referents[0].node
    return node if isinstance(node, cst.FunctionDef) else None


def _role_tags(function: cst.FunctionDef) -> Optional[dict[str, cst.BaseExpression]]:
    """Resource attribute -> value for a callback whose body only sets cloud-role tags of its
    one parameter to string literals (``return`` / ``return True`` may end it)."""
    params = function.params
    if (
        len(params.params) != 1
        or params.star_arg is not cst.MaybeSentinel.DEFAULT
        or params.kwonly_params
        or params.star_kwarg is not None
        or function.decorators
        or not isinstance(function.body, cst.IndentedBlock)
    ):
        return None
    envelope = params.params[0].name.value
    tags: dict[str, cst.BaseExpression] = {}
    for statement in function.body.body:
        small = statement.body[0] if isinstance(statement, cst.SimpleStatementLine) else None
        if isinstance(small, cst.Return) and (
            small.value is None
            or (isinstance(small.value, cst.Name) and small.value.value == "True")
        ):
            continue
        attribute = _tag_assignment(small, envelope)
        if attribute is None:
            return None
        assert isinstance(small, cst.Assign)
        tags[attribute] = small.value
    return tags


def _tag_assignment(small: Optional[cst.BaseSmallStatement], envelope: str) -> Optional[str]:
    """The resource attribute of ``envelope.tags["ai.cloud.role..."] = "literal"``."""
    if not (
        isinstance(small, cst.Assign)
        and len(small.targets) == 1
        and isinstance(small.value, cst.SimpleString)
    ):
        return None
    target = small.targets[0].target
    if not (
        isinstance(target, cst.Subscript)
        and isinstance(target.value, cst.Attribute)
        and isinstance(target.value.value, cst.Name)
        and target.value.value.value == envelope
        and target.value.attr.value == "tags"
        and len(target.slice) == 1
        and isinstance(target.slice[0].slice, cst.Index)
        and isinstance(target.slice[0].slice.value, cst.SimpleString)
    ):
        return None
    tag = target.slice[0].slice.value.evaluated_value
    return TAGS.get(tag) if isinstance(tag, str) else None
