"""``mock.patch("opentracing.tracer", new=tracer)`` → a patch of ``trace.get_tracer``.

Which patches convert, and why that keeps the test's meaning: ``global_patches.py``. The patch
function is the test's own (``mock.patch``, ``patch``; ``patch.object`` becomes its ``patch``), the
installed tracer becomes the value every ``get_tracer`` call returns while it is active::

    mock.patch("opentelemetry.trace.get_tracer", new=mock.Mock(return_value=tracer))

and a patch without ``new`` patches ``get_tracer`` with the mock ``patch`` makes.
"""

from __future__ import annotations

import libcst as cst

from otelbridge.migration_tool.global_patches import OTEL_TARGET, GlobalPatches
from otelbridge.migration_tool.transforms.base import LegacyTransform

_EQUAL = cst.AssignEqual(
    whitespace_before=cst.SimpleWhitespace(""), whitespace_after=cst.SimpleWhitespace("")
)


def _keyword(name: str, value: cst.BaseExpression) -> cst.Arg:
    return cst.Arg(value, keyword=cst.Name(name), equal=_EQUAL)


class PatchedGlobalTracer(LegacyTransform):
    DESCRIPTION = "Patches of the OpenTracing global tracer to patches of trace.get_tracer."

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
