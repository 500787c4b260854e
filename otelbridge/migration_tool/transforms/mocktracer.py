"""OpenTracing's ``MockTracer`` → an SDK tracer whose provider records into an in-memory exporter.

``tracer = MockTracer()`` (a name or ``self.<attr>``) becomes::

    exporter = InMemorySpanExporter()
    provider = TracerProvider()
    provider.add_span_processor(SimpleSpanProcessor(exporter))
    tracer = provider.get_tracer(__name__)

with names derived from the tracer's (``self._tracer`` → ``self._exporter``), and what only the
mock has follows it: ``tracer.finished_spans()`` → ``exporter.get_finished_spans()``,
``tracer.reset()`` → ``exporter.clear()``. The mock gave a list, the exporter gives a tuple: where
the spans are compared or kept in a name (``assertEqual(tracer.finished_spans(), [])``, which
holds only for a list) they are wrapped in ``list(...)``. A ``MockTracer()`` bound to
nothing, or whose spans no call of the file reads, gives its spans to nobody who could read them:
it becomes ``TracerProvider().get_tracer(__name__)``. The mock's scope
manager argument is dropped (OpenTelemetry keeps the active span in ``contextvars``).

The tracer itself converts with the code it is handed to (it is a tracer to the inference, see
``mock_tracers.py``). A mock-only call on a tracer whose exporter is out of reach (a parameter,
an attribute of another object) is marked, and keeps that mock on OpenTracing.
"""

from __future__ import annotations

from typing import Optional, Union

import libcst as cst
from libcst.codemod import CodemodContext

from otelbridge.migration_tool.mock_fixtures import exporter_fixture, requested_exporter
from otelbridge.migration_tool.mock_tracers import MockTracers, is_construction
from otelbridge.migration_tool.model import Kind
from otelbridge.migration_tool.names import MOCK_TRACERS
from otelbridge.migration_tool.transforms.base import has_star_args
from otelbridge.migration_tool.transforms.statements import StatementAware
from otelbridge.migration_tool.walk import walk

SDK_TRACE = "otelbridge.sdk.trace"
#: what only the mock has -> the exporter method that gives the same
EXPORTER_METHODS = {"finished_spans": "get_finished_spans", "reset": "clear"}
#: assertion methods whose arguments compare equal only if a list stays a list
EQUALITY_ASSERTIONS = frozenset({"assertEqual", "assertNotEqual", "assertListEqual"})
OUT_OF_REACH = (
    "{method}() of a MockTracer whose InMemorySpanExporter is out of reach here (not bound to "
    "this variable in this file): kept on OpenTracing"
)
ARGUMENTS = "MockTracer() arguments other than a scope manager: kept on OpenTracing"
CLASS_USED = (
    "the MockTracer class used as a value (a factory, an isinstance check): OpenTelemetry has "
    "no such class, build a TracerProvider with an InMemorySpanExporter"
)

CHECKED = (
    "isinstance check of a MockTracer: now of an OpenTelemetry Tracer (any tracer passes; "
    "the spans are in the InMemorySpanExporter)"
)


class MockTracing(StatementAware):
    DESCRIPTION = "OpenTracing MockTracer to a TracerProvider with an InMemorySpanExporter."

    def __init__(self, context: CodemodContext) -> None:
        super().__init__(context)
        self._called: set[cst.CSTNode] = set()
        #: expressions compared or bound to a name, where a tuple is not the mock's list
        self._list_kept: set[cst.CSTNode] = set()
        #: ``MockTracer`` as the class of an asserted ``isinstance`` check (``_asserted_check``)
        self._checks: set[cst.CSTNode] = set()
        #: test functions reading a fixture mock's spans -> the exporter fixtures to request
        self._requests: dict[cst.FunctionDef, list[str]] = {}
        #: the mock fixture the traversal is in (``mock_fixtures.py``), and its exporter fixture
        self._fixtures: list[tuple[cst.FunctionDef, Optional[str]]] = []

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
        fixture = self._fixture_exporter()
        if fixture is not None and isinstance(small, cst.Return):
            return self._fixture_return(small, fixture, updated_node)
        call = small.value if isinstance(small, cst.Assign) else None
        if isinstance(call, cst.Call) and call in self.mocks.bound:
            if not self._converts(call):
                return updated_node
            self.rewrote()
            assert isinstance(updated_node.body[0], cst.Assign)
            if not self.mocks.spans_read(call):  # as a mock bound to nothing: no exporter
                tracer = cst.parse_expression(
                    f"{self._sdk(call, 'TracerProvider')}().get_tracer(__name__)"
                )
                return updated_node.with_changes(
                    body=[updated_node.body[0].with_changes(value=tracer)]
                )
            provider = self.mocks.exporter_of(call, "provider")
            lines = self._recording(call, self.mocks.exporter_of(call), provider)
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

    # -- fixtures returning a mock (``mock_fixtures.py``) ----------------------------------
    def visit_FunctionDef(self, node: cst.FunctionDef) -> None:
        exporter = None
        project = self.model.project
        if project is not None and node.decorators and self.mocks.constructs:
            index, module = project
            qualname = self.model.qualname(node.body)
            text = index.sources.get(module.path)
            if qualname is not None and text is not None:
                exporter = exporter_fixture(module.path, text, qualname)
        self._fixtures.append((node, exporter))

    def _fixture_exporter(self) -> Optional[str]:
        return self._fixtures[-1][1] if self._fixtures else None

    def _fixture_return(
        self, returned: cst.Return, exporter: str, updated: cst.SimpleStatementLine
    ) -> Union[cst.SimpleStatementLine, cst.FlattenSentinel[cst.BaseStatement]]:
        call = returned.value
        assert isinstance(call, cst.Call)  # ``exporter_fixture`` checked every return
        if not self._converts(call):
            return updated
        self.rewrote()
        provider = self.mocks.exporter_of(call, "provider")
        lines = self._recording(call, exporter, provider)[1:]  # the exporter is the fixture's
        last = cst.parse_statement(f"return {provider}.get_tracer(__name__)")
        first = lines[0].with_changes(leading_lines=updated.leading_lines)
        return cst.FlattenSentinel([first, *lines[1:], last])

    def leave_FunctionDef(
        self, original_node: cst.FunctionDef, updated_node: cst.FunctionDef
    ) -> Union[cst.FunctionDef, cst.FlattenSentinel[cst.BaseStatement]]:
        _, exporter = self._fixtures.pop()
        requested = self._requests.pop(original_node, [])
        if exporter is not None and not self._fixture_kept(original_node):
            requested.append(exporter)
        params = [p.name.value for p in updated_node.params.params]
        added = [cst.Param(cst.Name(n)) for n in dict.fromkeys(requested) if n not in params]
        if not added:
            return updated_node
        updated_node = updated_node.with_changes(
            params=updated_node.params.with_changes(params=[*updated_node.params.params, *added])
        )
        if exporter is None or exporter not in requested:
            return updated_node
        made = self._sdk(original_node, "InMemorySpanExporter")
        self_param = [cst.Param(cst.Name(params[0]))] if params[:1] == ["self"] else []
        companion = cst.FunctionDef(
            cst.Name(exporter),
            cst.Parameters(self_param),
            cst.IndentedBlock([cst.parse_statement(f"return {made}()")]),
            decorators=updated_node.decorators,
            leading_lines=updated_node.leading_lines,
        )
        spaced = updated_node.with_changes(leading_lines=[cst.EmptyLine()] * (2 - len(self_param)))
        return cst.FlattenSentinel([companion, spaced])

    def _fixture_kept(self, function: cst.FunctionDef) -> bool:
        """Whether a ``return MockTracer()`` of the mock fixture stays on OpenTracing."""
        return any(
            isinstance(n, cst.Return) and isinstance(n.value, cst.Call) and self.kept(n.value)
            for n in walk(function.body)
        )

    def visit_Call(self, node: cst.Call) -> None:
        self._called.add(node.func)
        func = node.func
        if isinstance(func, cst.Attribute) and func.attr.value in EQUALITY_ASSERTIONS:
            self._list_kept.update(arg.value for arg in node.args)
        if isinstance(func, cst.Attribute) and func.attr.value == "assertTrue" and node.args:
            self._asserted_check(node.args[0].value)

    def visit_Comparison(self, node: cst.Comparison) -> None:
        self._list_kept.add(node.left)
        self._list_kept.update(target.comparator for target in node.comparisons)

    def visit_Assign(self, node: cst.Assign) -> None:
        if all(isinstance(target.target, cst.Name) for target in node.targets):
            self._list_kept.add(node.value)

    def visit_Assert(self, node: cst.Assert) -> None:
        self._asserted_check(node.test)

    def _asserted_check(self, test: cst.BaseExpression) -> None:
        """``assertTrue(isinstance(tracer, MockTracer))`` of a tracer converted with the mock
        that made it: the class to check becomes OpenTelemetry's ``Tracer`` (it holds for the
        tracer the migrated test makes; only asserted checks, which a weaker class keeps true)."""
        if not isinstance(test, cst.Call) or len(test.args) != 2 or has_star_args(test):
            return
        if "builtins.isinstance" not in self.model.qualified_names(test.func):
            return
        checked, cls = test.args[0].value, test.args[1].value
        if self.kind(checked) is Kind.TRACER and self.model.qualified_names(cls) & MOCK_TRACERS:
            self._checks.add(cls)

    def leave_Call(self, original_node: cst.Call, updated_node: cst.Call) -> cst.BaseExpression:
        if self.kept(original_node):
            return updated_node
        if is_construction(self.model, original_node):
            if original_node in self.mocks.bound or not self._mappable(original_node):
                return updated_node
            if self._fixture_exporter() is not None:
                return updated_node  # ``_fixture_return`` rewrites its statement
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
        exporter = self.mocks.exporter(func.value, original_node) or self._requested(func.value)
        if exporter is None:
            self.flag(original_node, "mock-tracer", OUT_OF_REACH.format(method=method))
            return updated_node
        self.rewrote()
        converted = f"{exporter}.{EXPORTER_METHODS[method]}()"
        if method == "finished_spans" and original_node in self._list_kept:
            converted = f"list({converted})"
        return cst.parse_expression(converted)

    def _requested(self, receiver: cst.BaseExpression) -> Optional[str]:
        """The exporter fixture beside the mock fixture filling the parameter ``receiver`` of
        the test around it, requested by that test (``mock_fixtures.py``)."""
        found = requested_exporter(self.model, receiver)
        if found is None:
            return None
        self._requests.setdefault(found[0], []).append(found[1])
        return found[1]

    # -- the class itself --------------------------------------------------------------------
    def leave_Name(self, original_node: cst.Name, updated_node: cst.Name) -> cst.BaseExpression:
        if original_node in self._checks:
            return self._checked(original_node)
        if original_node.value == "MockTracer" and original_node not in self._called:
            self._class_used(original_node)
        return updated_node

    def leave_Attribute(
        self, original_node: cst.Attribute, updated_node: cst.Attribute
    ) -> cst.BaseExpression:
        if original_node in self._checks:
            return self._checked(original_node)
        if original_node.attr.value == "MockTracer" and original_node not in self._called:
            self._class_used(original_node)
        return updated_node

    def _checked(self, node: cst.CSTNode) -> cst.BaseExpression:
        self.rewrote()
        self.flag(node, "mock-isinstance", CHECKED)
        return self.expr(node, "{trace}.Tracer")

    def _class_used(self, node: Union[cst.Name, cst.Attribute]) -> None:
        scope = self.model.scope(node)
        name = node if isinstance(node, cst.Name) else None
        if scope is None or not self.model.qualified_names(node) & MOCK_TRACERS:
            return
        if name is not None and not any(a.node is name for a in scope.accesses[name.value]):
            return  # an import's name, not a use
        self.flag(node, "mock-tracer", CLASS_USED)
