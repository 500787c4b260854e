"""The shape of a measurement map's puts made in ``if`` branches before its one ``record()``, for
:mod:`.stats`: such puts become instrument calls where they are (an instrument records at once,
where OpenCensus waited for ``record()``), which is exact only while nothing else runs between
them and the record, and nothing before rebinds what the calls read.
"""

from __future__ import annotations

from collections import Counter
from typing import Optional, Sequence, Union, cast

import libcst as cst

from otelbridge.migration_tool.walk import walk

PUTS = frozenset({"measure_int_put", "measure_float_put"})


def method_of(statement: cst.CSTNode, receiver: str) -> str:
    """``m`` if ``statement`` is the call ``receiver.m(...)`` alone, else ""."""
    if not (isinstance(statement, cst.SimpleStatementLine) and len(statement.body) == 1):
        return ""
    small = statement.body[0]
    call = small.value if isinstance(small, cst.Expr) else None
    func = call.func if isinstance(call, cst.Call) else None
    if (
        isinstance(func, cst.Attribute)
        and isinstance(func.value, cst.Name)
        and func.value.value == receiver
    ):
        return func.attr.value
    return ""


def branch_puts(statement: cst.If, mmap: str) -> Optional[list[cst.CSTNode]]:
    """The puts into ``mmap`` in the branches of ``statement`` (``elif``, ``else`` and nested
    ``if`` included), or ``None`` if a branch holds anything else or is written on its line."""
    found: list[cst.CSTNode] = []
    branch: Union[cst.If, cst.Else, None] = statement
    while branch is not None:
        if not isinstance(branch.body, cst.IndentedBlock):
            return None
        for line in branch.body.body:
            inner = branch_puts(line, mmap) if isinstance(line, cst.If) else None
            if inner is not None:
                found.extend(inner)
            elif method_of(line, mmap) in PUTS:
                found.append(line)
            else:
                return None
        branch = branch.orelse if isinstance(branch, cst.If) else None
    return found


def most_puts(lines: Sequence[cst.CSTNode], mmap: str) -> Counter[str]:
    """How many times, at most, a run through ``lines`` puts each measure (by its code) into
    ``mmap``: the branches of an ``if`` exclude each other."""
    counts: Counter[str] = Counter()
    for line in lines:
        if isinstance(line, cst.If):
            most: Counter[str] = Counter()
            branch: Union[cst.If, cst.Else, None] = line
            while branch is not None:
                most |= most_puts(getattr(branch.body, "body", ()), mmap)  # | keeps the larger
                branch = branch.orelse if isinstance(branch, cst.If) else None
            counts.update(most)
        elif method_of(line, mmap) in PUTS:
            call = cast(cst.Call, cast(cst.Expr, cast(cst.SimpleStatementLine, line).body[0]).value)
            counts[cst.Module([]).code_for_node(call.args[0].value) if call.args else ""] += 1
    return counts


def rebinds(statement: cst.CSTNode) -> set[str]:
    """The names ``statement`` may bind or change (assignment, loop and ``with`` targets,
    definitions; every variable in a target, so ``a.b = c`` counts ``a``)."""
    targets: list[cst.CSTNode] = []
    for node in walk(statement):
        if isinstance(node, (cst.AssignTarget, cst.AugAssign, cst.AnnAssign, cst.For)):
            targets.append(node.target)
        elif isinstance(node, (cst.NamedExpr, cst.AsName, cst.FunctionDef, cst.ClassDef)):
            targets.append(node.target if isinstance(node, cst.NamedExpr) else node.name)
    return {n.value for t in targets for n in walk(t) if isinstance(n, cst.Name)}
