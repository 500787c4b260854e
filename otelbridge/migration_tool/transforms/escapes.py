"""OpenTracing objects reaching code the rewrite cannot see, or used in ways it does not map.

A converted span passed to a helper, returned, stored in a container or another object, or used
through a method OpenTelemetry lacks would meet OpenTracing code with an OpenTelemetry object.
Such uses are flagged; ``legacy.py`` then keeps the object on OpenTracing.
"""

from __future__ import annotations

from typing import Optional

import libcst as cst
from libcst.codemod import CodemodContext
from libcst.metadata import Assignment, GlobalScope

from otelbridge.migration_tool.engine.expr import Expr, from_cst
from otelbridge.migration_tool.engine.fixtures import is_fixture
from otelbridge.migration_tool.global_patches import GlobalPatches
from otelbridge.migration_tool.mock_tracers import made_by_mock
from otelbridge.migration_tool.model import (
    CONVERTIBLE,
    SPANS,
    Kind,
    activates,
    index_kind,
    is_variable,
)
from otelbridge.migration_tool.names import (
    CHILD_SPAN_CALLS,
    GLOBAL_TRACER_ATTRS,
    LOCAL_SPAN_CALLS,
    REFERENCE_FUNCS,
    SET_GLOBAL_TRACER,
    SPAN_ACTIVATIONS,
)
from otelbridge.migration_tool.transforms.assertions import (
    TRUTH_CHECKS,
    checks_current_span,
    compares_only,
)
from otelbridge.migration_tool.transforms.base import LegacyTransform
from otelbridge.migration_tool.transforms.integrations import SETUPS
from otelbridge.migration_tool.transforms.mocktracer import EXPORTER_METHODS
from otelbridge.migration_tool.transforms.pyramid_tweens import PACKAGE as PYRAMID_TWEEN
from otelbridge.migration_tool.transforms.pyramid_tweens import includes_tween, tween_settings
from otelbridge.migration_tool.transforms.recorded import maps_live_field
from otelbridge.migration_tool.transforms.scope_parameters import argument_kinds
from otelbridge.migration_tool.transforms.stored_scopes import stored_plan
from otelbridge.migration_tool.transforms.tornado_settings import plan_of as tornado_plan
from otelbridge.migration_tool.transforms.tracer import (
    none_check,
    parent_or_none,
    truth_tested_spans,
)
from otelbridge.migration_tool.user_attributes import is_user_attribute

#: The calls that make a span, whose ``child_of=`` ``arguments.py`` maps.
_SPAN = frozenset(
    {
        "set_tag",
        "log_kv",
        "log_event",
        "log",
        "finish",
        "set_operation_name",
        "set_baggage_item",
        "get_baggage_item",
        "context",
    }
)
#: The attributes the transforms map, per kind; ``None``: any (scopes are checked by ``spans``).
MAPPED: dict[Kind, Optional[frozenset[str]]] = {
    Kind.TRACER: frozenset(
        {"start_span", "start_active_span", "inject", "extract", "active_span", "close", "flush"}
        | EXPORTER_METHODS.keys()  # a MockTracer's, or marked by ``mocktracer.py``
    ),
    Kind.SPAN: _SPAN,
    Kind.CURRENT_SPAN: _SPAN,
    Kind.SCOPE: None,
    Kind.SPAN_CONTEXT: frozenset({"trace_id", "span_id", "baggage"}),
    Kind.EXTRACTED: frozenset(),
    Kind.JAEGER_CONFIG: frozenset({"initialize_tracer"}),
}
#: Calls that take OpenTracing objects and are mapped with the call they are an argument of.
CONSUMERS = (
    frozenset(REFERENCE_FUNCS)
    | SET_GLOBAL_TRACER
    | frozenset(SETUPS)
    | SPAN_ACTIVATIONS
    | LOCAL_SPAN_CALLS  # transforms/local_span.py converts their arguments with them
    | CHILD_SPAN_CALLS  # and transforms/child_spans.py
)
#: Built-ins that only look at an object (any object will do): giving them a converted one is
#: no escape (``if hasattr(tracer, "_tracer")``).
INSPECTING = frozenset(
    {
        "builtins.hasattr",
        "builtins.callable",
        "builtins.id",
        "builtins.repr",
        "builtins.print",
        "builtins.isinstance",
        "builtins.type",
    }
)
#: An object of the project (a test double, a wrapper) given where the migrated code now takes
#: an OpenTelemetry object: advisory (nothing is kept for it, see ``legacy.ADVISORY``).
DOUBLE = "double"
DOUBLE_REASON = (
    "not an OpenTracing {kind} (an object of this project: a test double or wrapper?) given "
    "where the migrated code takes an OpenTelemetry {kind}: give it one"
)
#: A span handed to a callback the library was given (``start_span_cb(span, request)``): the
#: library's hooks now receive OpenTelemetry spans (advisory, see ``legacy.ADVISORY``).
HOOK = "hook"
HOOK_REASON = (
    "span handed to `{code}`, a callback this code was given: it now receives an "
    "OpenTelemetry span (update the callbacks)"
)
#: Kinds whose truth value changes: OpenTelemetry's current span and extracted context are never
#: None.
MAYBE_NONE = (Kind.CURRENT_SPAN, Kind.EXTRACTED)


#: A member OpenTelemetry lacks, read only where ``hasattr`` says the object has it: the line runs
#: on either API's object, so it is left as written and the flow is converted (advisory).
GUARDED = (
    "`{attr}` of an OpenTracing {kind}, read under `hasattr`: left as written (it runs on "
    "OpenTelemetry objects too; review what it unwraps)"
)


def _hasattr_guard(test: cst.BaseExpression) -> Optional[tuple[Expr, str]]:
    """``(x, "a")`` for a test ``hasattr(x, "a")`` with a literal name."""
    if not (isinstance(test, cst.Call) and isinstance(test.func, cst.Name)):
        return None
    if test.func.value != "hasattr" or len(test.args) != 2:
        return None
    name = test.args[1].value
    if not isinstance(name, cst.SimpleString) or not isinstance(name.evaluated_value, str):
        return None
    return from_cst(test.args[0].value), name.evaluated_value


class Escapes(LegacyTransform):
    DESCRIPTION = "Flag OpenTracing objects that escape to code the migration cannot see."

    def __init__(self, context: CodemodContext) -> None:
        super().__init__(context)
        #: ``if hasattr(x, "a"):`` bodies -> ``(x, "a")``; the guards of the blocks we are in
        self._guarded_blocks: dict[cst.CSTNode, tuple[Expr, str]] = {}
        self._guards: list[tuple[Expr, str]] = []
        #: current spans ``if``/``while`` tests read for truth (``tracer.py`` maps them)
        self._validity_tests: set[cst.BaseExpression] = set()
        #: ``tracer.scope_manager`` of ``activate`` calls, which ``spans.py`` maps or marks
        self._activating: set[cst.CSTNode] = set()
        #: ``child_of=`` choices between a parent and ``None`` (see :func:`parent_or_none`)
        self._parent_choices: set[cst.CSTNode] = set()
        #: pyramid_opentracing's ``ot.*`` settings, which ``pyramid_tweens.py`` removes
        self._tween_settings: set[cst.CSTNode] = set()
        self._tween = False

    def visit_Module(self, node: cst.Module) -> None:
        self._tween = self.spells(PYRAMID_TWEEN) and includes_tween(node)

    def _escape(self, node: cst.BaseExpression, how: str) -> None:
        kind = self.kind(node)
        if kind in CONVERTIBLE:
            assert kind is not None
            self.flag(node, "escapes", f"OpenTracing {kind.value} {how}: kept on OpenTracing")

    def _mapped(self, node: cst.Attribute) -> bool:
        kind = self.kind(node.value)
        if kind not in CONVERTIBLE:
            return False
        assert kind is not None
        names = MAPPED[kind]
        return names is None or node.attr.value in names

    # -- handed to other code ----------------------------------------------------------------
    def visit_Call(self, node: cst.Call) -> None:
        if self._tween:
            self._tween_settings.update(tween_settings(node))
        choice = parent_or_none(node)
        if choice is not None:
            self._parent_choices.add(choice)
        if isinstance(node.func, cst.Attribute) and activates(self.model, node):
            self._activating.add(node.func.value)
            return
        if node in stored_plan(self).stores:
            return  # a scope stored on an object: converted with its readers
        if node in tornado_plan(self).tracings:
            return  # tornado_opentracing's settings go, with the tracer they were given
        handed = [item.value for item in node.args if self.kind(item.value) in CONVERTIBLE]
        doubles = {item.value: kind for item in node.args if (kind := self._double(item.value))}
        for value, kind in doubles.items():
            self.flag(value, DOUBLE, DOUBLE_REASON.format(kind=kind.value))
        if not handed or GlobalPatches.of(self.state).is_converted(node):
            return
        func = node.func
        if isinstance(func, cst.Attribute) and self._mapped(func):
            return
        if self.model.qualified_names(func) & (CONSUMERS | INSPECTING):
            return
        if compares_only(node):
            self._compared(node, handed)
            return
        sinks = argument_kinds(self, node)
        for value in handed:
            sink = sinks.get(value)
            if sink is Kind.LEGACY:
                continue  # a project parameter kept on OpenTracing: ``flows.kept_sinks`` says so
            if sink is None and self.kind(value) in SPANS and self._hook(node.func):
                code = cst.Module([]).code_for_node(node.func)
                self.flag(value, HOOK, HOOK_REASON.format(code=code))
            elif sink != self.kind(value):
                self._escape(value, f"passed to other code ({self._callee(node, value in sinks)})")

    def _hook(self, func: cst.BaseExpression) -> bool:
        """Whether ``func`` is a callback the code was given and keeps (a hook of a library's
        configuration): an attribute of ``self`` or a module global bound by assignments only,
        which the index does not resolve. A parameter called at once is other code: kept."""
        if isinstance(func, cst.Attribute):
            return is_variable(func) and self.kind(func) in (None, Kind.UNKNOWN)
        if not isinstance(func, cst.Name) or self.kind(func) not in (None, Kind.UNKNOWN):
            return False
        scope = self.model.scope(func)
        assignments = list(scope[func.value]) if scope is not None else []
        return bool(assignments) and all(
            isinstance(a, Assignment)
            and isinstance(a.node, cst.Name)
            and isinstance(a.scope, GlobalScope)
            for a in assignments
        )

    def _callee(self, call: cst.Call, resolved: bool) -> str:
        """What the call that is handed an OpenTracing object runs, for its marker."""
        func = call.func
        code = cst.Module([]).code_for_node(func)
        if resolved:
            return f"`{code}` of this project takes another kind there"
        if isinstance(func, cst.Name) and self._is_parameter(func):
            return f"`{code}`, a parameter: what it calls is not known here"
        if self._dynamic(call) or self._dynamic(func):
            return "a dynamic `getattr`: what it calls is not known here"
        names = sorted(self.model.qualified_names(func))
        outside = [n for n in names if "<locals>" not in n and self._outside(n)]
        if outside:
            return f"`{outside[0]}`, outside the project"
        return f"`{code}`, not found in the project"

    def _dynamic(self, node: cst.BaseExpression) -> bool:
        """``getattr(x, name)`` with a name that is not a literal (``expr`` reads a literal one
        as an attribute)."""
        return (
            isinstance(node, cst.Call)
            and "builtins.getattr" in self.model.qualified_names(node.func)
            and from_cst(node)[0] == "call"
        )

    def _outside(self, qualified: str) -> bool:
        """Whether ``qualified`` names no module of the project (a third-party callee)."""
        project = self.model.project
        if project is None:
            return True
        index, _ = project
        parts = qualified.split(".")
        return not any(".".join(parts[:n]) in index.modules for n in range(1, len(parts) + 1))

    def _is_parameter(self, name: cst.Name) -> bool:
        scope = self.model.scope(name)
        return scope is not None and any(
            isinstance(a, Assignment) and isinstance(a.node, cst.Param) for a in scope[name.value]
        )

    def _double(self, node: cst.BaseExpression) -> Optional[Kind]:
        """For an object of the project (a test double, a wrapper) given to a parameter the
        index found to hold a legacy kind that converts: that kind."""
        project = self.model.project
        if project is None or not isinstance(node, (cst.Name, cst.Attribute, cst.Call)):
            return None
        index, module = project
        kind = index_kind(index.double_kind(module, self.model.qualname(node), from_cst(node)))
        return None if kind is Kind.LEGACY else kind  # a parameter kept: the double still fits

    def _compared(self, call: cst.Call, handed: list[cst.BaseExpression]) -> None:
        """An assertion only compares what it is given: the same span object flows through the
        converted code, span contexts compare by value. Not the global tracer (``get_tracer()``
        makes a new one per call: only a test's own mock compares as it did), nor a current span
        or an extracted context tested for ``None`` or truth (never ``None`` after) unless
        ``assertions.py`` maps the check."""
        func = call.func
        truth = isinstance(func, cst.Attribute) and func.attr.value in TRUTH_CHECKS
        mock = any(made_by_mock(self.model, value) for value in handed)
        mock = mock or call in GlobalPatches.of(self.state).covered  # one global tracer there
        for value in handed:
            kind = self.kind(value)
            if kind is Kind.TRACER and not mock:
                self._escape(value, "compared in an assertion")
            elif kind in MAYBE_NONE and truth and not checks_current_span(self, call):
                self._escape(value, "tested for None or truth in an assertion")

    def visit_Return(self, node: cst.Return) -> None:
        if node.value is None:
            return
        project = self.model.project
        if project is not None:
            index, module = project
            kind = index_kind(index.return_kind(module, self.model.qualname(node)))
            if kind is not None and kind is self.kind(node.value):
                return  # every caller in the project receives it as converted
        self._escape(node.value, "returned")

    def visit_Yield(self, node: cst.Yield) -> None:
        if not isinstance(node.value, cst.BaseExpression):
            return
        project = self.model.project
        if project is not None:  # a generator fixture: what it yields is its result
            index, module = project
            qualname = self.model.qualname(node)
            kind = index_kind(index.return_kind(module, qualname))
            same = kind is not None and kind is self.kind(node.value)
            if same and qualname and is_fixture(module, qualname):
                return
        self._escape(node.value, "yielded")

    def visit_Element(self, node: cst.Element) -> None:
        self._escape(node.value, "put in a container")

    def visit_DictElement(self, node: cst.DictElement) -> None:
        if node in self._tween_settings:
            return
        self._escape(node.key, "put in a container")
        self._escape(node.value, "put in a container")

    def visit_Assign(self, node: cst.Assign) -> None:
        if node in stored_plan(self).stores:
            return
        if not all(
            is_variable(target.target)
            or self._stored(target.target, node.value)
            or self.model.qualified_names(target.target) & GLOBAL_TRACER_ATTRS  # setup.py's
            for target in node.targets
        ):
            self._escape(node.value, "stored in another object")

    def _stored(self, target: cst.BaseExpression, value: cst.BaseExpression) -> bool:
        """``g.attr = value`` on a module-level object every reader of which the index knows
        (``tls.active_span = span``), holding that kind: converted on both sides."""
        project = self.model.project
        if project is None or not isinstance(target, cst.Attribute):
            return False
        index, module = project
        key = index.symbol_for(module, self.model.qualname(target), from_cst(target))
        if key is None or key[0] != "stored":
            return False
        return index_kind(index.symbol_kind(key)) is self.kind(value)

    def visit_AnnAssign(self, node: cst.AnnAssign) -> None:
        if node.value is not None and not is_variable(node.target):
            self._escape(node.value, "stored in another object")

    # -- used in ways the transforms do not map -----------------------------------------------
    def visit_Attribute(self, node: cst.Attribute) -> None:
        kind = self.kind(node.value)
        if node in self._activating or is_user_attribute(self.state, node):
            return
        if kind in CONVERTIBLE and not self._mapped(node) and not maps_live_field(self.state, node):
            assert kind is not None
            if (from_cst(node.value), node.attr.value) in self._guards:
                self.flag(node, "guarded", GUARDED.format(attr=node.attr.value, kind=kind.value))
                return
            self.flag(
                node,
                "unknown-use",
                f"`{node.attr.value}` of an OpenTracing {kind.value} is not mapped: "
                "kept on OpenTracing",
            )

    def visit_If(self, node: cst.If) -> None:
        self._truth_test(node.test)
        self._condition(node.test)
        guard = _hasattr_guard(node.test)
        if guard is not None:
            self._guarded_blocks[node.body] = guard

    def visit_IndentedBlock(self, node: cst.IndentedBlock) -> None:
        guard = self._guarded_blocks.get(node)
        if guard is not None:
            self._guards.append(guard)

    def leave_IndentedBlock(
        self, original_node: cst.IndentedBlock, updated_node: cst.IndentedBlock
    ) -> cst.IndentedBlock:
        if original_node in self._guarded_blocks:
            self._guards.remove(self._guarded_blocks[original_node])
        return updated_node

    def visit_While(self, node: cst.While) -> None:
        self._truth_test(node.test)
        self._condition(node.test)

    def _truth_test(self, test: cst.BaseExpression) -> None:
        """A current span read for its truth in the test: ``tracer.py`` tests its validity."""
        self._validity_tests.update(truth_tested_spans(self, test))

    def visit_IfExp(self, node: cst.IfExp) -> None:
        if node not in self._parent_choices:
            self._truth_test(node.test)
            self._condition(node.test)

    def visit_BooleanOperation(self, node: cst.BooleanOperation) -> None:
        self._condition(node.left)
        self._condition(node.right)

    def visit_UnaryOperation(self, node: cst.UnaryOperation) -> None:
        if isinstance(node.operator, cst.Not):
            self._condition(node.expression)

    def visit_Comparison(self, node: cst.Comparison) -> None:
        if GlobalPatches.of(self.state).unpatched_identity(node):
            for operand in (node.left, node.comparisons[0].comparator):
                self._escape(operand, "compared with the global tracer")
        if none_check(self, node) is not None:
            return  # ``tracer.py`` checks its validity instead
        if self.kind(node.left) is Kind.EXTRACTED or any(
            self.kind(target.comparator) is Kind.EXTRACTED for target in node.comparisons
        ):
            self.flag(
                node,
                "escapes",
                "extracted context compared (other than with None): OpenTelemetry's is a "
                "Context, kept on OpenTracing",
            )

    def _condition(self, node: cst.BaseExpression) -> None:
        if node in self._validity_tests:
            return
        kind = self.kind(node)
        if kind in MAYBE_NONE:
            assert kind is not None
            self.flag(
                node,
                "escapes",
                f"OpenTracing {kind.value} tested for truth (OpenTelemetry's is never None): "
                "kept on OpenTracing",
            )
