"""Expressions in the one small form the engine reasons about, from ``ast`` or LibCST trees.

The project index reads every file with Python's ``ast`` (fast); the per-file rewrite asks
questions about LibCST nodes. Both are reduced to the same tuples, so the inference never depends on
which parser produced an expression:

- ``("name", id)``, ``("attr", value, name)``, ``("call", func)``;
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
        return ("call", from_cst(node.func))
    if isinstance(node, cst.BooleanOperation):
        return ("join", (from_cst(node.left), from_cst(node.right)))
    if isinstance(node, cst.IfExp):
        return ("join", (from_cst(node.body), from_cst(node.orelse)))
    if isinstance(node, cst.Await):
        return from_cst(node.expression)
    return OTHER


def dotted(expr: Expr) -> Optional[str]:
    """``a.b.c`` for a chain of names and attributes, else ``None``."""
    if expr[0] == "name":
        return str(expr[1])
    if expr[0] == "attr":
        owner = dotted(expr[1])  # type: ignore[arg-type]
        return None if owner is None else f"{owner}.{expr[2]}"
    return None
