"""The values of constant expressions: literals, and names bound once to them, with arithmetic.

OpenCensus' own stats example names its view and sizes its buckets with module constants::

    MiB = 1 << 20
    VIDEO_SIZE_VIEW_NAME = "myorg_views_video_size"
    VIDEO_SIZE_DISTRIBUTION = DistributionAggregation([0.0, 16.0 * MiB, 256.0 * MiB])

A view's name and bounds must be known to write the OpenTelemetry ``View`` and instrument, so
they are computed here: numbers, strings, and names whose every binding reaching the read is
one such expression, combined by the arithmetic operators (and ``+`` of strings). Anything else
(a call, an attribute, a name bound in a loop) is not constant.
"""

from __future__ import annotations

import operator
from typing import Callable, Union

import libcst as cst

from otelbridge.migration_tool.transforms.base import literal

Value = Union[int, float, str]
#: what every binding reaching a read of a name binds (empty: one is not known)
Bindings = Callable[[cst.Name], list[cst.BaseExpression]]

_BINARY: dict[type, Callable[[object, object], object]] = {
    cst.Add: operator.add,
    cst.Subtract: operator.sub,
    cst.Multiply: operator.mul,
    cst.Divide: operator.truediv,
    cst.FloorDivide: operator.floordiv,
    cst.Modulo: operator.mod,
    cst.Power: operator.pow,
    cst.LeftShift: operator.lshift,
    cst.RightShift: operator.rshift,
    cst.BitOr: operator.or_,
    cst.BitAnd: operator.and_,
}
#: names followed through this many bindings at most (``A = B`` chains; a cycle stops here)
_DEPTH = 8
#: the largest exponent or shift computed
_LARGEST = 128


def constant(node: cst.BaseExpression, bindings: Bindings) -> object:
    """The value of ``node``, or ``NotImplemented`` when it is not a constant expression."""
    return _value(node, bindings, _DEPTH)


def _value(node: cst.BaseExpression, bindings: Bindings, depth: int) -> object:
    found = literal(node)
    if found is not NotImplemented or depth == 0:
        return found if not isinstance(found, bool) and found is not None else NotImplemented
    if isinstance(node, cst.Name):
        values = bindings(node)
        return _value(values[0], bindings, depth - 1) if len(values) == 1 else NotImplemented
    if isinstance(node, cst.UnaryOperation) and isinstance(node.operator, (cst.Minus, cst.Plus)):
        operand = _value(node.expression, bindings, depth)
        if isinstance(operand, (int, float)):
            return -operand if isinstance(node.operator, cst.Minus) else operand
        return NotImplemented
    if isinstance(node, cst.BinaryOperation) and type(node.operator) in _BINARY:
        left = _value(node.left, bindings, depth)
        right = _value(node.right, bindings, depth)
        if NotImplemented in (left, right):
            return NotImplemented
        numbers = all(isinstance(v, (int, float)) for v in (left, right))
        strings = all(isinstance(v, str) for v in (left, right))
        if not (numbers or (strings and isinstance(node.operator, cst.Add))):
            return NotImplemented
        if isinstance(node.operator, (cst.Power, cst.LeftShift)) and abs(right) > _LARGEST:  # type: ignore[arg-type]  # numbers
            return NotImplemented  # a value no bucket bound needs, and slow to compute
        try:
            return _BINARY[type(node.operator)](left, right)
        except (ArithmeticError, ValueError, TypeError):
            return NotImplemented
    return NotImplemented
