"""Test assertions that only compare the objects they are given.

``self.assertEqual(tracing.tracer, tracer)``, ``assert_called_once_with(child_of=span.context)``:
such calls read no OpenTracing member of their arguments, so handing them a converted object is
no escape (``escapes.py`` asks :func:`compares_only`, and keeps what would compare otherwise).
Only the ``None`` checks change meaning: OpenTelemetry's current span is never ``None``, so
``assertIsNone(tracer.active_span)`` becomes
``assertFalse(trace.get_current_span().get_span_context().is_valid)`` (and ``assertIsNotNone``
``assertTrue``), as ``x is None`` becomes a validity check in ``tracer.py``.
"""

from __future__ import annotations

import libcst as cst

from otelbridge.migration_tool.model import Kind
from otelbridge.migration_tool.transforms.base import LegacyTransform

#: ``unittest.TestCase`` and ``unittest.mock`` assertions (with their deprecated aliases)
ASSERTIONS = frozenset(
    {
        "assertEqual",
        "assertEquals",
        "assertNotEqual",
        "assertNotEquals",
        "assertIs",
        "assertIsNot",
        "assertIsNone",
        "assertIsNotNone",
        "assertTrue",
        "assertFalse",
        "assertIn",
        "assertNotIn",
        "assertIsInstance",
        "assertNotIsInstance",
        "assertListEqual",
        "assertTupleEqual",
        "assertDictEqual",
        "assertSetEqual",
        "assertSequenceEqual",
        "assertCountEqual",
        "assert_called_with",
        "assert_called_once_with",
        "assert_any_call",
        "assert_has_calls",
        "assert_not_called",
    }
)
#: ``None`` checks and the validity checks they become on a current span
NONE_CHECKS = {"assertIsNone": "assertFalse", "assertIsNotNone": "assertTrue"}
#: assertions that test their argument for ``None`` or truth
TRUTH_CHECKS = frozenset({*NONE_CHECKS, "assertTrue", "assertFalse"})


def compares_only(call: cst.Call) -> bool:
    """A ``unittest`` or ``mock`` assertion (``self.assert...``): it only compares."""
    func = call.func
    if not isinstance(func, cst.Attribute):
        return False
    name = func.attr.value
    mine = isinstance(func.value, cst.Name) and func.value.value == "self"
    return name in ASSERTIONS or (mine and name.startswith("assert"))


def checks_current_span(transform: LegacyTransform, call: cst.Call) -> bool:
    """``assertIsNone(span)``/``assertIsNotNone(span)`` of a current span (rewritten here)."""
    func = call.func
    return (
        isinstance(func, cst.Attribute)
        and func.attr.value in NONE_CHECKS
        and bool(call.args)
        and call.args[0].keyword is None
        and not call.args[0].star
        and transform.kind(call.args[0].value) is Kind.CURRENT_SPAN
    )


class NoneAssertions(LegacyTransform):
    DESCRIPTION = "None assertions on the active span to validity assertions."

    def leave_Call(self, original_node: cst.Call, updated_node: cst.Call) -> cst.BaseExpression:
        if not checks_current_span(self, original_node):
            return updated_node
        assert isinstance(original_node.func, cst.Attribute)
        assert isinstance(updated_node.func, cst.Attribute)
        self.rewrote()
        first = updated_node.args[0]
        valid = self.expr(original_node, "SPAN.get_span_context().is_valid", SPAN=first.value)
        method = NONE_CHECKS[original_node.func.attr.value]
        return updated_node.with_changes(
            func=updated_node.func.with_changes(attr=cst.Name(method)),
            args=[first.with_changes(value=valid), *updated_node.args[1:]],
        )
