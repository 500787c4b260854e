"""pyramid_opentracing's tween → ``PyramidInstrumentor().instrument_config(config)``.

An application traces its Pyramid requests by including the package in its configuration and
handing it settings::

    config.add_settings({"ot.tracer": tracer})
    config.add_settings({"ot.traced_attributes": ["host", "method"]})
    config.include("pyramid_opentracing")

The ``include`` becomes the instrumentor call under a note naming the package to install; the
``ot.*`` settings, which only the tween read, go with it (the tracer is not handed anywhere any
more: the instrumentor records through the global provider); their comments move to the statement
after them, and a settings statement with other settings too keeps those. Request
attributes the tween recorded as tags (``ot.traced_attributes``) are named in the note:
PyramidInstrumentor records its own ``http.*`` attributes.
"""

from __future__ import annotations

from typing import Optional, Union

import libcst as cst
from libcst.codemod import CodemodContext

from otelbridge.migration_tool.findings import TODO_PREFIX, Finding
from otelbridge.migration_tool.transforms.base import LegacyTransform, literal
from otelbridge.migration_tool.walk import walk

RULE = "integration"
PACKAGE = "pyramid_opentracing"
_INSTRUMENTATION = "opentelemetry.instrumentation.pyramid"
NOTE = (
    "pip install opentelemetry-instrumentation-pyramid (PyramidInstrumentor replaces "
    "pyramid_opentracing's tween)"
)


def included(call: cst.Call) -> Optional[cst.BaseExpression]:
    """The configurator of ``config.include("pyramid_opentracing")``, if ``call`` is that."""
    func = call.func
    if not isinstance(func, cst.Attribute) or func.attr.value != "include" or len(call.args) != 1:
        return None
    given = call.args[0]
    if given.keyword is not None or given.star or literal(given.value) != PACKAGE:
        return None
    return func.value


def tween_settings(call: cst.Call) -> list[cst.DictElement]:
    """The ``"ot.*"`` entries of ``config.add_settings({...})``: settings only the tween reads."""
    func = call.func
    if not isinstance(func, cst.Attribute) or func.attr.value != "add_settings":
        return []
    if len(call.args) != 1 or not isinstance(call.args[0].value, cst.Dict):
        return []
    return [
        element
        for element in call.args[0].value.elements
        if isinstance(element, cst.DictElement)
        and isinstance(key := literal(element.key), str)
        and key.startswith("ot.")
    ]


def includes_tween(module: cst.Module) -> bool:
    """Whether the module includes pyramid_opentracing in a configuration."""
    return any(isinstance(node, cst.Call) and included(node) is not None for node in walk(module))


class PyramidTweens(LegacyTransform):
    DESCRIPTION = "pyramid_opentracing's tween to opentelemetry-instrumentation-pyramid."

    def __init__(self, context: CodemodContext) -> None:
        super().__init__(context)
        self._active = False
        #: the request attributes the tween recorded (``ot.traced_attributes``), for the note
        self._traced: list[str] = []
        #: each statement's next sibling in its block
        self._next: dict[cst.CSTNode, cst.CSTNode] = {}
        #: comment lines of removed statements, for the statement after them
        self._pending: list[cst.EmptyLine] = []

    def visit_IndentedBlock(self, node: cst.IndentedBlock) -> None:
        if self._active:
            self._next.update(zip(node.body, node.body[1:]))

    def visit_Module(self, node: cst.Module) -> None:
        self._active = self.spells(PACKAGE) and includes_tween(node)
        if not self._active:
            return
        self._next.update(zip(node.body, node.body[1:]))
        for found in walk(node):
            if isinstance(found, cst.Call):
                for element in tween_settings(found):
                    value = element.value
                    if literal(element.key) == "ot.traced_attributes" and isinstance(
                        value, (cst.List, cst.Tuple)
                    ):
                        self._traced += [str(literal(e.value)) for e in value.elements]

    def leave_SimpleStatementLine(
        self, original_node: cst.SimpleStatementLine, updated_node: cst.SimpleStatementLine
    ) -> Union[cst.SimpleStatementLine, cst.RemovalSentinel]:
        if not self._active:
            return updated_node
        if self._pending:  # the comments of the settings statements removed just above
            updated_node = updated_node.with_changes(
                leading_lines=[*self._pending, *updated_node.leading_lines]
            )
            self._pending = []
        if len(original_node.body) != 1:
            return updated_node
        small = original_node.body[0]
        call = small.value if isinstance(small, cst.Expr) else None
        if not isinstance(call, cst.Call):
            return updated_node
        if included(call) is not None:
            return self._instrument(call, updated_node)
        settings = tween_settings(call)
        if not settings:
            return updated_node
        assert isinstance(call.args[0].value, cst.Dict)
        kept = [e for e in call.args[0].value.elements if e not in settings]
        if not kept:
            comments = [line for line in updated_node.leading_lines if line.comment is not None]
            if comments and not isinstance(self._next.get(original_node), cst.SimpleStatementLine):
                return updated_node  # nowhere to keep its comments: left, read by nothing
            self.rewrote()
            self._pending = list(updated_node.leading_lines) if comments else []
            return cst.RemoveFromParent()
        self.rewrote()
        updated_small = updated_node.body[0]
        assert isinstance(updated_small, cst.Expr) and isinstance(updated_small.value, cst.Call)
        updated_call = updated_small.value
        entries = updated_call.args[0].value
        assert isinstance(entries, cst.Dict)
        positions = [call.args[0].value.elements.index(e) for e in kept]
        remaining = [entries.elements[i] for i in positions]
        remaining[-1] = remaining[-1].with_changes(comma=cst.MaybeSentinel.DEFAULT)
        args = [updated_call.args[0].with_changes(value=entries.with_changes(elements=remaining))]
        return updated_node.with_changes(
            body=[updated_small.with_changes(value=updated_call.with_changes(args=args))]
        )

    def _instrument(
        self, call: cst.Call, updated: cst.SimpleStatementLine
    ) -> cst.SimpleStatementLine:
        """``PyramidInstrumentor().instrument_config(config)`` for the ``include``."""
        self.rewrote()
        notes = [NOTE]
        if self._traced:
            notes.append(
                f"the tween recorded the request attributes {', '.join(self._traced)} as tags; "
                "PyramidInstrumentor records its own http.* attributes"
            )
        where = self.state.position(call)
        for note in notes:
            self.state.findings.append(Finding(RULE + "-note", note, *where))
        comments = [
            cst.EmptyLine(indent=True, comment=cst.Comment(TODO_PREFIX + note)) for note in notes
        ]
        instrumentor = self.otel(call, _INSTRUMENTATION, "PyramidInstrumentor")
        updated_small = updated.body[0]
        assert isinstance(updated_small, cst.Expr) and isinstance(updated_small.value, cst.Call)
        new_config = updated_small.value.func
        assert isinstance(new_config, cst.Attribute)
        replaced = self.expr(
            call, f"{instrumentor}().instrument_config(CONFIG)", CONFIG=new_config.value
        )
        return updated.with_changes(
            body=[updated_small.with_changes(value=replaced)],
            leading_lines=[*updated.leading_lines, *comments],
        )
