"""A read-only walk over the meaningful nodes of a LibCST tree, for questions asked of a subtree.

A ``CSTVisitor`` rebuilds nothing, yet pays LibCST's generic dispatch for every node, whitespace and
punctuation included (about half of a module's nodes). Reading the dataclass fields that can hold
code, with a small stack, answers the same questions (which names does this block use?) over ten
times faster.
"""

from __future__ import annotations

import dataclasses
from typing import Iterator

import libcst as cst

#: Fields that only ever hold whitespace, comments or punctuation.
_TOKEN_FIELDS = frozenset(
    {
        "asynchronous",
        "colon",
        "comma",
        "comment",
        "dot",
        "empty_lines",
        "equal",
        "first_colon",
        "footer",
        "header",
        "indent",
        "lbrace",
        "lbracket",
        "leading_lines",
        "leading_whitespace",
        "lines_after_decorators",
        "lpar",
        "newline",
        "operator",
        "posonly_ind",
        "rbrace",
        "rbracket",
        "relative",
        "rpar",
        "second_colon",
        "semicolon",
        "separator",
        "star",
        "trailing_comma",
        "trailing_whitespace",
    }
)
_fields: dict[type, tuple[str, ...]] = {}


def _code_fields(kind: type) -> tuple[str, ...]:
    names = tuple(
        field.name
        for field in dataclasses.fields(kind)
        if field.name not in _TOKEN_FIELDS
        and not field.name.startswith("whitespace")
        and not (kind is cst.Attribute and field.name == "attr")
    )
    _fields[kind] = names
    return names


def walk(root: cst.CSTNode, opaque: tuple[type, ...] = ()) -> Iterator[cst.CSTNode]:
    """``root`` and every node below it that holds code, parents before children; nodes of the
    ``opaque`` types are yielded but not entered. The name after the dot of ``x.name`` is not a
    variable and is not yielded: every ``Name`` yielded is a variable (or a keyword, parameter or
    definition name)."""
    stack: list[cst.CSTNode] = [root]
    pop, push, extend = stack.pop, stack.append, stack.extend
    node_type = cst.CSTNode
    while stack:
        node = pop()
        yield node
        kind = type(node)
        if kind in opaque:
            continue
        for name in _fields.get(kind) or _code_fields(kind):
            value = getattr(node, name)
            if isinstance(value, node_type):
                push(value)
            elif type(value) is tuple or type(value) is list:
                extend(reversed(value))
