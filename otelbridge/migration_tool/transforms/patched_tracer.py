"""``mock.patch("opentracing.tracer", new=tracer)`` → a patch of ``trace.get_tracer``.

Which patches convert, and why that keeps the test's meaning: ``global_patches.py``. The patch
function is the test's own (``mock.patch``, ``patch``; ``patch.object`` becomes its ``patch``), the
installed tracer becomes the value every ``get_tracer`` call returns while it is active::

    mock.patch("opentelemetry.trace.get_tracer", new=mock.Mock(return_value=tracer))

and a patch without ``new`` patches ``get_tracer`` with the mock ``patch`` makes. What names the
patch binds reads its ``return_value``.
"""

from __future__ import annotations

import libcst as cst
from libcst.metadata import ImportAssignment

from otelbridge.migration_tool.global_patches import OTEL_TARGET, GlobalPatches
from otelbridge.migration_tool.transforms.base import LegacyTransform

_EQUAL = cst.AssignEqual(
    whitespace_before=cst.SimpleWhitespace(""), whitespace_after=cst.SimpleWhitespace("")
)


def _keyword(name: str, value: cst.BaseExpression) -> cst.Arg:
    return cst.Arg(value, keyword=cst.Name(name), equal=_EQUAL)


class PatchedGlobalTracer(LegacyTransform):
    DESCRIPTION = "Patches of the OpenTracing global tracer to patches of trace.get_tracer."

    def leave_SimpleStatementLine(
        self, original_node: cst.SimpleStatementLine, updated_node: cst.SimpleStatementLine
    ) -> cst.BaseStatement:
        if original_node not in GlobalPatches.of(self.state).wrapped:
            return updated_node
        self.rewrote()
        patch = cst.parse_expression(f"{self._mock(original_node)}.patch({OTEL_TARGET!r})")
        patch = patch.with_changes(args=[cst.Arg(self.string(OTEL_TARGET))])
        return cst.With(
            [cst.WithItem(patch)],
            cst.IndentedBlock([updated_node.with_changes(leading_lines=[])]),
            leading_lines=updated_node.leading_lines,
        )

    def _mock(self, node: cst.CSTNode) -> str:
        """The module's name for ``mock`` (the backport or ``unittest.mock``), else imported."""
        scope = self.model.scope(node)
        if scope is not None and any(isinstance(a, ImportAssignment) for a in scope["mock"]):
            qualified = {q.name for q in scope.get_qualified_names_for("mock")}
            if qualified and qualified <= {"mock", "unittest.mock"}:
                return "mock"
        return self.otel(node, "unittest", "mock")

    def leave_Name(self, original_node: cst.Name, updated_node: cst.Name) -> cst.BaseExpression:
        if original_node not in GlobalPatches.of(self.state).returned:
            return updated_node
        self.rewrote()
        return cst.Attribute(updated_node, cst.Name("return_value"))

    def leave_Call(self, original_node: cst.Call, updated_node: cst.Call) -> cst.BaseExpression:
        patch = GlobalPatches.of(self.state).converted.get(original_node)
        if patch is None:
            return updated_node
        self.rewrote()
        func = updated_node.func
        if patch.patch is not original_node.func:  # ``x.patch.object`` -> ``x.patch``
            assert isinstance(func, cst.Attribute)
            func = func.value
        args = [cst.Arg(self.string(OTEL_TARGET))]
        if patch.new is not None:
            new = next(
                u.value
                for o, u in zip(original_node.args, updated_node.args)
                if o.value is patch.new
            )
            if isinstance(func, cst.Attribute):
                mock: cst.BaseExpression = func.with_changes(attr=cst.Name("Mock"))
            else:
                mock = cst.Name(self.otel(original_node, "unittest.mock", "Mock"))
            made = cst.Call(mock, [_keyword("return_value", new)])
            args.append(_keyword("new", made))
        return updated_node.with_changes(func=func, args=args)
