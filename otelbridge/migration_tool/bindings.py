"""What a name holds where it is read: the values its reaching bindings assign, for the questions
both rewrites ask of a variable (is it a dict? which OpenCensus object?)."""

from __future__ import annotations

from typing import Any, Mapping, Optional

import libcst as cst
from libcst.metadata import Scope


def bound_values(
    scopes: Mapping[cst.CSTNode, Optional[Scope]],
    bindings: Mapping[Any, cst.BaseExpression],  # binding target (a Name) -> the value bound
    name: cst.Name,
) -> list[cst.BaseExpression]:
    """What every binding that reaches the load ``name`` binds (empty if one is unknown)."""
    scope = scopes.get(name)
    values: list[cst.BaseExpression] = []
    for access in scope.accesses[name.value] if scope is not None else ():
        if access.node is not name:
            continue
        for referent in access.referents:
            node = getattr(referent, "node", None)  # a builtin has no binding node
            value = bindings.get(node) if isinstance(node, cst.Name) else None
            if value is None:
                return []
            values.append(value)
    return values
