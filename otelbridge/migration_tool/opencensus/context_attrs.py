"""``execution_context.set_opencensus_attr(key, value)`` and ``get_opencensus_attr(key)`` ->
values of the OpenTelemetry context.

OpenCensus keeps these attributes in a per-thread (per-context) dict that nothing resets: a
middleware stores one in a request hook and an integration of another module reads it
(``excludelist_hostnames``), or a later hook of the same request reads the request or its span.
The OpenTelemetry context holds values by key the same way, shared across modules by the key
alone: the store becomes ``context.attach(context.set_value(key, value))`` (attached and never
detached: OpenCensus never resets it either), the read ``context.get_value(key)`` (None when
unset, as in OpenCensus). Every use in a module converts, or none does (one store for all):
a store inside a ``with`` block would be lost where the block detaches its context (OpenCensus
keeps it), and other shapes (a value used, the whole dict) have no such mapping.
"""

from __future__ import annotations

from typing import Callable, Mapping, Optional, Union

import libcst as cst

from otelbridge.migration_tool.opencensus.names import GET_ATTR, SET_ATTR, WHOLE_ATTRS
from otelbridge.migration_tool.walk import walk

GET, SET = "get", "set"
_FUNCTIONS = (cst.FunctionDef, cst.Lambda, cst.ClassDef)


def context_attrs(
    module: cst.Module,
    parents: Mapping[cst.CSTNode, cst.CSTNode],
    names: Callable[[cst.CSTNode], set[str]],
) -> Union[dict[cst.Call, str], str]:
    """The module's attribute calls -> GET or SET, or why none of them converts."""
    found: dict[cst.Call, str] = {}
    for node in walk(module):
        if not isinstance(node, (cst.Name, cst.Attribute)) or _in_import(node, parents):
            continue
        called = names(node)
        if called & WHOLE_ATTRS:
            return "the module also reads or replaces the whole attribute dict"
        which = GET if GET_ATTR in called else SET if SET_ATTR in called else None
        if which is None or _outer_part(node, parents):
            continue
        call = parents.get(node)
        if not isinstance(call, cst.Call) or call.func is not node:
            return "an attribute function is used other than by a call"
        reason = _unsupported(call, parents, which)
        if reason is not None:
            return reason
        found[call] = which
    return found


def _unsupported(
    call: cst.Call, parents: Mapping[cst.CSTNode, cst.CSTNode], which: str
) -> Optional[str]:
    if any(a.star or a.keyword is not None for a in call.args):
        return "an attribute call passes keyword or star arguments"
    if len(call.args) != (1 if which == GET else 2):
        return "an attribute call has an unexpected number of arguments"
    if which == GET:
        return None
    if not isinstance(parents.get(call), cst.Expr):
        return "the value of set_opencensus_attr() is used"
    node: Optional[cst.CSTNode] = call
    while node is not None and not isinstance(node, _FUNCTIONS):
        if isinstance(node, (cst.With, cst.WithItem)):
            return "an attribute is stored inside a with block, whose end would drop it"
        node = parents.get(node)
    return None


def _outer_part(node: cst.CSTNode, parents: Mapping[cst.CSTNode, cst.CSTNode]) -> bool:
    """``node`` is a part of an attribute (``a.b`` or ``f`` of ``a.b.f``): the whole one
    speaks for it."""
    return isinstance(parents.get(node), cst.Attribute)


def _in_import(node: cst.CSTNode, parents: Mapping[cst.CSTNode, cst.CSTNode]) -> bool:
    current: Optional[cst.CSTNode] = node
    while current is not None:
        if isinstance(current, (cst.Import, cst.ImportFrom)):
            return True
        current = parents.get(current)
    return False
