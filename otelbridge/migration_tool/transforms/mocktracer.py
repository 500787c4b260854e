"""OpenTracing's ``MockTracer`` → an SDK tracer whose provider records into an in-memory exporter.

``tracer = MockTracer()`` (a name or ``self.<attr>``) becomes::

    exporter = InMemorySpanExporter()
    provider = TracerProvider()
    provider.add_span_processor(SimpleSpanProcessor(exporter))
    tracer = provider.get_tracer(__name__)

with names derived from the tracer's (``self._tracer`` → ``self._exporter``), and what only the
mock has follows it: ``tracer.finished_spans()`` → ``exporter.get_finished_spans()``,
``tracer.reset()`` → ``exporter.clear()``. A ``MockTracer()`` bound to nothing gives its spans to
nobody who could read them: it becomes ``TracerProvider().get_tracer(__name__)``. The mock's scope
manager argument is dropped (OpenTelemetry keeps the active span in ``contextvars``).

The tracer itself converts with the code it is handed to (it is a tracer to the inference, see
``mock_tracers.py``). A mock-only call on a tracer whose exporter is out of reach (a parameter,
an attribute of another object) is marked, and keeps that mock on OpenTracing.
"""

from __future__ import annotations

from typing import Union

import libcst as cst
from libcst.codemod import CodemodContext

from otelbridge.migration_tool.mock_tracers import MockTracers, is_construction
from otelbridge.migration_tool.model import Kind
from otelbridge.migration_tool.names import MOCK_TRACERS
from otelbridge.migration_tool.transforms.base import has_star_args
from otelbridge.migration_tool.transforms.statements import StatementAware

SDK_TRACE = "otelbridge.sdk.trace"
#: what only the mock has -> the exporter method that gives the same
EXPORTER_METHODS = {"finished_spans": "get_finished_spans", "reset": "clear"}
OUT_OF_REACH = (
    "{method}() of a MockTracer whose InMemorySpanExporter is out of reach here (not bound to "
    "this variable in this file): kept on OpenTracing"
)
ARGUMENTS = "MockTracer() arguments other than a scope manager: kept on OpenTracing"
CLASS_USED = (
    "the MockTracer class used as a value (a factory, an isinstance check): OpenTelemetry has "
    "no such class, build a TracerProvider with an InMemorySpanExporter"
)


class MockTracing(StatementAware):
    DESCRIPTION = "OpenTracing MockTracer to a TracerProvider with an InMemorySpanExporter."

    def __init__(self, context: CodemodContext) -> None:
        super().__init__(context)
        self._called: set[cst.CSTNode] = set()

    @property
    def mocks(self) -> MockTracers:
        return MockTracers.of(self.state)

    def _mappable(self, call: cst.Call, flag: bool = True) -> bool:
        if has_star_args(call) or len(call.args) > 1:
            if flag:
                self.flag(call, "mock-arguments", ARGUMENTS)
            return False
        return True

    def _sdk(self, node: cst.CSTNode, obj: str) -> str:
        module = {
            "TracerProvider": SDK_TRACE,
            "SimpleSpanProcessor": SDK_TRACE + ".export",
            "InMemorySpanExporter": SDK_TRACE + ".export.in_memory_span_exporter",
        }[obj]
        return self.otel(node, module, obj)

    # -- the mock made -----------------------------------------------------------------------
    def _recording(self, call: cst.Call, exporter: str, provider: str) -> list[cst.BaseStatement]:
        """The statements that make the exporter and the provider recording into it."""
        made = [
            f"{exporter} = {self._sdk(call, 'InMemorySpanExporter')}()",
            f"{provider} = {self._sdk(call, 'TracerProvider')}()",
            f"{provider}.add_span_processor({self._sdk(call, 'SimpleSpanProcessor')}({exporter}))",
        ]
        return [cst.parse_statement(line) for line in made]

    def _converts(self, call: cst.Call) -> bool:
        return not self.kept(call) and self._mappable(call)

    def leave_SimpleStatementLine(
        self, original_node: cst.SimpleStatementLine, updated_node: cst.SimpleStatementLine
    ) -> Union[cst.SimpleStatementLine, cst.FlattenSentinel[cst.BaseStatement]]:
        small = original_node.body[0] if len(original_node.body) == 1 else None
        call = small.value if isinstance(small, cst.Assign) else None
        if isinstance(call, cst.Call) and call in self.mocks.bound:
            if not self._converts(call):
                return updated_node
            self.rewrote()
            provider = self.mocks.exporter_of(call, "provider")
            lines = self._recording(call, self.mocks.exporter_of(call), provider)
            assert isinstance(updated_node.body[0], cst.Assign)
            tracer = cst.parse_expression(f"{provider}.get_tracer(__name__)")
            updated_node = updated_node.with_changes(
                body=[updated_node.body[0].with_changes(value=tracer)]
            )
        else:
            reached = [
                c
                for c, line in self.mocks.inline.items()
                if line is original_node
                and self.mocks.reached(c)
                and not self.kept(c)
                and self._mappable(c, flag=False)
            ]
            if not reached:
                return updated_node
            call = reached[0]
            lines = self._recording(
                call, self.mocks.exporter_of(call), self.mocks.exporter_of(call, "provider")
            )
        first = lines[0].with_changes(leading_lines=updated_node.leading_lines)
        bound = updated_node.with_changes(leading_lines=[])
        return cst.FlattenSentinel([first, *lines[1:], bound])

    def visit_Call(self, node: cst.Call) -> None:
        self._called.add(node.func)

    def leave_Call(self, original_node: cst.Call, updated_node: cst.Call) -> cst.BaseExpression:
        if self.kept(original_node):
            return updated_node
        if is_construction(self.model, original_node):
            if original_node in self.mocks.bound or not self._mappable(original_node):
                return updated_node
            self.rewrote()
            if self.mocks.reached(original_node):
                provider = self.mocks.exporter_of(original_node, "provider")
                return cst.parse_expression(f"{provider}.get_tracer(__name__)")
            return cst.parse_expression(
                f"{self._sdk(original_node, 'TracerProvider')}().get_tracer(__name__)"
            )
        func = original_node.func
        method = func.attr.value if isinstance(func, cst.Attribute) else None
        if method not in EXPORTER_METHODS or original_node.args:
            return updated_node
        assert isinstance(func, cst.Attribute) and method is not None
        if self.kind(func.value) is not Kind.TRACER:
            return updated_node
        exporter = self.mocks.exporter(func.value, original_node)
        if exporter is None:
            self.flag(original_node, "mock-tracer", OUT_OF_REACH.format(method=method))
            return updated_node
        self.rewrote()
        return cst.parse_expression(f"{exporter}.{EXPORTER_METHODS[method]}()")

    # -- the class itself --------------------------------------------------------------------
    def leave_Name(self, original_node: cst.Name, updated_node: cst.Name) -> cst.Name:
        if original_node.value == "MockTracer" and original_node not in self._called:
            self._class_used(original_node)
        return updated_node

    def leave_Attribute(
        self, original_node: cst.Attribute, updated_node: cst.Attribute
    ) -> cst.Attribute:
        if original_node.attr.value == "MockTracer" and original_node not in self._called:
            self._class_used(original_node)
        return updated_node

    def _class_used(self, node: Union[cst.Name, cst.Attribute]) -> None:
        scope = self.model.scope(node)
        name = node if isinstance(node, cst.Name) else None
        if scope is None or not self.model.qualified_names(node) & MOCK_TRACERS:
            return
        if name is not None and not any(a.node is name for a in scope.accesses[name.value]):
            return  # an import's name, not a use
        self.flag(node, "mock-tracer", CLASS_USED)
