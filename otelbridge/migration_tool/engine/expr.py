"""Expressions in the one small form the engine reasons about, from ``ast`` or LibCST trees.

The project index reads every file with Python's ``ast`` (fast); the per-file rewrite asks
questions about LibCST nodes. Both are reduced to the same tuples, so the inference never depends on
which parser produced an expression:

- ``("name", id)``, ``("attr", value, name)`` (also ``getattr(value, "name"[, default])``),
  ``("call", func)``;
- ``("join", (a, b, ...))`` for ``a or b`` and ``x if c else y`` (any operand may be the value);
- ``("none",)`` for the constant ``None`` (no object: ignored when kinds are joined);
- ``("other",)`` for anything else (a literal, an operation...: of no kind);
- ``("opaque",)`` for a binding whose value cannot be seen (a loop variable, an unpacked
  element, ``x += ...``): of unknown kind.
"""

from __future__ import annotations

import ast
from typing import Optional, Tuple, Union

import libcst as cst

Expr = Tuple[object, ...]
NONE: Expr = ("none",)
OTHER: Expr = ("other",)
OPAQUE: Expr = ("opaque",)


def from_ast(node: Optional[ast.AST]) -> Expr:
    if isinstance(node, ast.Name):
        return ("name", node.id)
    if isinstance(node, ast.Attribute):
        return ("attr", from_ast(node.value), node.attr)
    if isinstance(node, ast.Call):
        if (
            isinstance(node.func, ast.Name)
            and node.func.id == "getattr"
            and len(node.args) in (2, 3)
            and isinstance(node.args[1], ast.Constant)
            and isinstance(node.args[1].value, str)
        ):
            return ("attr", from_ast(node.args[0]), node.args[1].value)
        return ("call", from_ast(node.func))
    if isinstance(node, ast.BoolOp):
        return ("join", tuple(from_ast(v) for v in node.values))
    if isinstance(node, ast.IfExp):
        return ("join", (from_ast(node.body), from_ast(node.orelse)))
    if isinstance(node, ast.Await):
        return from_ast(node.value)
    if isinstance(node, ast.Constant) and node.value is None:
        return NONE
    return OTHER


def from_cst(node: Union[cst.BaseExpression, None]) -> Expr:
    if isinstance(node, cst.Name):
        return NONE if node.value == "None" else ("name", node.value)
    if isinstance(node, cst.Attribute):
        return ("attr", from_cst(node.value), node.attr.value)
    if isinstance(node, cst.Call):
        name = _getattr_name(node)
        if name is not None:
            return ("attr", from_cst(node.args[0].value), name)
        return ("call", from_cst(node.func))
    if isinstance(node, cst.BooleanOperation):
        return ("join", (from_cst(node.left), from_cst(node.right)))
    if isinstance(node, cst.IfExp):
        return ("join", (from_cst(node.body), from_cst(node.orelse)))
    if isinstance(node, cst.Await):
        return from_cst(node.expression)
    return OTHER


def _getattr_name(node: cst.Call) -> Optional[str]:
    """``"name"`` for ``getattr(value, "name"[, default])``: an attribute read, spelled out."""
    if not (isinstance(node.func, cst.Name) and node.func.value == "getattr"):
        return None
    if len(node.args) not in (2, 3) or any(a.keyword or a.star for a in node.args):
        return None
    name = node.args[1].value
    if isinstance(name, cst.SimpleString) and isinstance(name.evaluated_value, str):
        return name.evaluated_value
    return None


def dotted(expr: Expr) -> Optional[str]:
    """``a.b.c`` for a chain of names and attributes, else ``None``."""
    if expr[0] == "name":
        return str(expr[1])
    if expr[0] == "attr":
        owner = dotted(expr[1])  # type: ignore[arg-type]  # the Expr tag at [0] fixes [1]
        return None if owner is None else f"{owner}.{expr[2]}"
    return None
