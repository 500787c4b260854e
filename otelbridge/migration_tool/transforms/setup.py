"""Tracer set-up and life cycle: jaeger-client ``Config().initialize_tracer()`` →
``otelbridge.sdk.configure()``, ``tracer.close()``/``flush()`` → calls on what it returned.

``opentracing.set_global_tracer(t)`` and ``opentracing.tracer = t`` disappear when ``t`` is a tracer
we converted (``configure`` installs the global provider), unless ``t`` is a ``MockTracer``:
then the code under test, which reads ``trace.get_tracer(__name__)``, is given the mock's tracer
by a patch of that function (``TracerSetup._patch_global``); scope managers passed to ``Config`` are
dropped (OpenTelemetry keeps the active span in ``contextvars``). A jaeger set-up keeps speaking
its wire format next to W3C (``propagators=``), as the bridge does, so that services not yet
migrated still continue the traces. ``close()`` (shut down) and ``flush()`` (send what is
buffered, a vendor tracer's method) call the handle ``configure()`` returned where it is in reach
(the set-up's module, or its function), else the global tracer provider it installed.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Optional, Sequence, Union

import libcst as cst
from libcst.codemod import CodemodContext
from libcst.metadata import ClassScope, FunctionScope, GlobalScope, Scope

from otelbridge.migration_tool.findings import Finding
from otelbridge.migration_tool.global_patches import GlobalPatches, keeps_global_tracer
from otelbridge.migration_tool.mock_tracers import made_by_mock
from otelbridge.migration_tool.model import Kind
from otelbridge.migration_tool.names import (
    GLOBAL_TRACER_ATTRS,
    GLOBAL_TRACER_CALLS,
    SET_GLOBAL_TRACER,
)
from otelbridge.migration_tool.state import Unconvertible
from otelbridge.migration_tool.transforms.arguments import Review, keyword
from otelbridge.migration_tool.transforms.base import literal
from otelbridge.migration_tool.transforms.django_tracing import removes_setting
from otelbridge.migration_tool.transforms.statements import StatementAware
from otelbridge.migration_tool.walk import walk

#: jaeger sampler type -> (configure sampler name, whether ``param`` is the sampler argument).
SAMPLERS: dict[tuple[object, object], tuple[str, bool]] = {
    ("const", 1): ("parentbased_always_on", False),
    ("const", 0): ("parentbased_always_off", False),
    ("probabilistic", None): ("parentbased_traceidratio", True),
}
#: what migrated code calls to read the global tracer, patched to give a mock's tracer
GET_TRACER = "opentelemetry.trace.get_tracer"
#: Config keys with no effect on what is recorded; dropped silently.
BENIGN_KEYS = frozenset({"logging"})
#: What the note says of a ``local_agent`` (where jaeger-client sent its spans): the migrated
#: set-up exports as the bridge does, by ``OTEL_*`` (OTLP by default).
AGENT_NOTE = (
    "'local_agent' (spans go by OTLP now, as under the bridge: set OTEL_EXPORTER_OTLP_ENDPOINT, "
    "Jaeger takes OTLP on 4317 since 1.35; to keep the agent, pass span_exporters=[JaegerExporter("
    "agent_host_name=..., agent_port=...)] of otelbridge.sdk.export.jaeger.thrift)"
)
#: Config keyword arguments dropped silently.
BENIGN_KWARGS = frozenset({"validate", "scope_manager"})
#: What a jaeger tracer puts on the wire (its ``propagation`` setting: ``"b3"`` or the default),
#: after W3C trace context and baggage: the bridge's choice for the same ``Config``.
PROPAGATORS: dict[object, str] = {
    "b3": "tracecontext,baggage,b3multi",
    None: "tracecontext,baggage,jaeger",
}
#: The name of the ``Providers`` handle a set-up keeps when ``close()`` or ``flush()`` needs it.
HANDLE = "providers"
#: A tracer's life-cycle methods -> what the tracer provider does for them.
LIFECYCLE = {"close": "shutdown", "flush": "force_flush"}


@dataclass
class _Handle:
    """A set-up statement's ``configure()`` result, kept under ``name`` in ``scope``."""

    scope: Scope
    name: str


_Statement = Union[
    cst.SimpleStatementLine, cst.FlattenSentinel[cst.SimpleStatementLine], cst.RemovalSentinel
]


class _Comments(cst.CSTVisitor):
    """The comments inside a node, in order."""

    def __init__(self) -> None:
        super().__init__()
        self.found: list[cst.Comment] = []

    def visit_Comment(self, node: cst.Comment) -> None:
        self.found.append(node)

    @classmethod
    def of(cls, node: cst.CSTNode) -> list[cst.Comment]:
        visitor = cls()
        node.visit(visitor)
        return visitor.found


class TracerSetup(StatementAware):
    DESCRIPTION = "jaeger-client tracer set-up to otelbridge.sdk.configure()."

    def __init__(self, context: CodemodContext) -> None:
        super().__init__(context)
        #: ``cfg = Config(...)`` statements whose only use is ``cfg.initialize_tracer()``
        self._configs: dict[cst.Name, cst.Call] = {}
        self._consumed: set[cst.Call] = set()
        #: set-up statements (their first small statement) keeping a handle for close()/flush()
        self._handles: dict[cst.CSTNode, _Handle] = {}

    # -- life cycle --------------------------------------------------------------------------
    def visit_Module(self, node: cst.Module) -> None:
        """Decide, before rewriting, which set-ups keep their ``configure()`` handle: those a
        converted ``tracer.close()`` or ``flush()`` can reach (same module for a module-level
        set-up, same function otherwise)."""
        setups: list[cst.BaseSmallStatement] = []
        ends: list[cst.Call] = []  # close() and flush() calls
        for found in walk(node):
            if isinstance(found, cst.SimpleStatementLine) and len(found.body) == 1:
                small = found.body[0]
                value = getattr(small, "value", None)
                if isinstance(value, cst.Call) and self._is_setup(small, value):
                    setups.append(small)
            elif isinstance(found, cst.Call) and self._lifecycle(found):
                ends.append(found)
        for small in setups:
            scope = self.model.scope(small)
            if scope is None or not any(self._reaches(scope, end) for end in ends):
                continue
            name = HANDLE if HANDLE not in scope else f"otel_{HANDLE}"
            self._handles[small] = _Handle(scope, name)

    def _is_setup(self, small: cst.BaseSmallStatement, value: cst.Call) -> bool:
        if isinstance(small, cst.Assign) and self.kind(value) is Kind.JAEGER_CONFIG:
            return True  # ``cfg = Config(...)`` (used by one initialize_tracer())
        init = value.func
        return (
            isinstance(small, (cst.Assign, cst.Expr, cst.Return))
            and isinstance(init, cst.Attribute)
            and init.attr.value == "initialize_tracer"
            and isinstance(init.value, cst.Call)
            and self.kind(init.value) is Kind.JAEGER_CONFIG
        )

    def _lifecycle(self, node: cst.Call) -> Optional[str]:
        """``close`` or ``flush`` for ``tracer.close()``/``tracer.flush()``, else None."""
        func = node.func
        if (
            isinstance(func, cst.Attribute)
            and func.attr.value in LIFECYCLE
            and not node.args
            and self.kind(func.value) is Kind.TRACER
        ):
            return func.attr.value
        return None

    def _reaches(self, scope: Scope, call: cst.Call) -> bool:
        return isinstance(scope, GlobalScope) or self.model.scope(call) is scope

    def _handle_for(self, call: cst.Call) -> Optional[str]:
        for handle in self._handles.values():
            if self._reaches(handle.scope, call):
                return handle.name
        return None

    def _lifecycle_call(self, original: cst.Call, method: str) -> cst.BaseExpression:
        """``tracer.close()`` → ``providers.shutdown()`` (which flushes what is buffered, as
        close did), ``tracer.flush()`` → ``providers.force_flush()``."""
        action = LIFECYCLE[method]
        if not self.discarded(original):
            raise Review(
                f"the result of tracer.{method}() is used: call {action}() on configure()'s handle"
            )
        self.rewrote()
        handle = self._handle_for(original)
        if handle is None:  # the set-up is out of reach: the provider it made global
            return self.expr(original, f"{{trace}}.get_tracer_provider().{action}()")
        return cst.parse_expression(f"{handle}.{action}()")

    def _kept_as(
        self, small: cst.BaseSmallStatement, call: cst.BaseExpression
    ) -> cst.BaseSmallStatement:
        """``configure(...)`` as a statement, bound to its handle when ``close()`` or ``flush()``
        needs one."""
        handle = self._handles.get(small)
        if handle is None:
            return cst.Expr(call)
        return cst.Assign([cst.AssignTarget(cst.Name(handle.name))], call)

    def _setup_line(
        self,
        updated: cst.SimpleStatementLine,
        small: cst.BaseSmallStatement,
        node: cst.CSTNode,
        config: cst.Call,
    ) -> cst.SimpleStatementLine:
        """The ``[providers =] configure(...)`` line for ``config``, with the comments written
        inside the ``Config(...)`` call kept above it."""
        comments = [cst.EmptyLine(indent=True, comment=comment) for comment in _Comments.of(config)]
        return updated.with_changes(
            body=[self._kept_as(small, self._configure(node, config))],
            leading_lines=[*updated.leading_lines, *comments],
        )

    def _configure(self, node: cst.CSTNode, config: cst.Call) -> cst.BaseExpression:
        """The ``configure(...)`` call for a jaeger ``Config(...)``; raises :class:`Review`."""
        args: list[cst.Arg] = []
        dropped: list[str] = []
        wire = [PROPAGATORS[None]]
        for item in config.args:
            name = item.keyword.value if item.keyword is not None else None
            if item.star or (name is None and config.args.index(item) > 0):
                raise Review("jaeger Config() arguments cannot be mapped")
            if name in ("service_name",):
                args.append(keyword("service_name", item.value))
            elif name in BENIGN_KWARGS:
                continue
            elif name in ("config", None):
                args.extend(self._config_dict(item.value, dropped, wire))
            else:
                dropped.append(f"{name}=")
        if not any(a.keyword is not None and a.keyword.value == "service_name" for a in args):
            raise Review("jaeger Config() without a literal service_name")
        args.append(keyword("propagators", self.string(wire[0])))
        self.state.findings.append(
            Finding(
                "setup-note",
                f'propagators="{wire[0]}": the jaeger tracer\'s headers next to W3C, so services '
                "still on jaeger-client stay in the trace; remove once the fleet speaks W3C",
                *self.state.position(node),
            )
        )
        if dropped:
            self.flag(
                node,
                "setup-settings",
                "jaeger settings not mapped (use OTEL_* variables or configure() overrides): "
                + ", ".join(dropped),
            )
        self.state.context.scratch.setdefault("otelbridge.configure", True)
        return cst.Call(cst.Name(self.otel(node, "otelbridge.sdk", "configure")), args)

    def _config_dict(
        self, node: cst.BaseExpression, dropped: list[str], wire: list[str]
    ) -> list[cst.Arg]:
        if not isinstance(node, cst.Dict):
            raise Review("jaeger config is not a dict literal")
        args: list[cst.Arg] = []
        propagation: object = None
        for element in node.elements:
            key = literal(element.key) if isinstance(element, cst.DictElement) else None
            if not isinstance(key, str):
                raise Review("jaeger config has non-literal keys")
            assert isinstance(element, cst.DictElement)
            if key == "sampler":
                args.extend(self._sampler(element.value))
            elif key == "tags":
                args.append(keyword("resource_attributes", element.value))
            elif key == "propagation" and isinstance(literal(element.value), str):
                propagation = literal(element.value)
            elif key == "local_agent":
                dropped.append(AGENT_NOTE)
            elif key not in BENIGN_KEYS:
                dropped.append(repr(key))
        if propagation is not None:
            wire[0] = PROPAGATORS.get(propagation, PROPAGATORS[None])
        return args

    def _sampler(self, node: cst.BaseExpression) -> list[cst.Arg]:
        settings: dict[str, cst.BaseExpression] = {}
        if isinstance(node, cst.Dict):
            for element in node.elements:
                if isinstance(element, cst.DictElement) and isinstance(literal(element.key), str):
                    settings[str(literal(element.key))] = element.value
        kind = literal(settings["type"]) if "type" in settings else None
        param = settings.get("param")
        value = literal(param) if param is not None else None
        choice = SAMPLERS.get((kind, value)) or SAMPLERS.get((kind, None))
        if choice is None or (choice[1] and param is None):
            raise Review("jaeger sampler has no OpenTelemetry equivalent (remote/rate limiting)")
        name, with_arg = choice
        args = [keyword("sampler", self.string(name))]
        if with_arg and param is not None:
            args.append(keyword("sampler_arg", param))
        return args

    # -- statements --------------------------------------------------------------------------
    def _init_call(self, node: cst.BaseExpression) -> Optional[cst.Call]:
        """The ``Config(...)`` call behind ``<config>.initialize_tracer()``, if ``node`` is one."""
        if not (
            isinstance(node, cst.Call)
            and isinstance(node.func, cst.Attribute)
            and node.func.attr.value == "initialize_tracer"
            and not node.args
            and self.kind(node.func.value) is Kind.JAEGER_CONFIG
        ):
            return None
        owner = node.func.value
        if isinstance(owner, cst.Call):
            return owner
        if isinstance(owner, cst.Name):
            for config_name, config in self._configs.items():
                if config_name.value == owner.value and self.model.scope(
                    config_name
                ) is self.model.scope(owner):
                    self._consumed.add(config)
                    return config
        return None

    def _initialized(self, value: cst.BaseExpression) -> cst.BaseExpression:
        """``value``, or ``<config>.initialize_tracer()`` of ``<config>.initialize_tracer() or
        opentracing.global_tracer()``: jaeger-client returns ``None`` when a tracer was
        initialized before, whose global tracer that then is; ``configure()`` has no such case."""
        if (
            isinstance(value, cst.BooleanOperation)
            and isinstance(value.operator, cst.Or)
            and self._init_call(value.left) is not None
        ):
            fallback = value.right
            read = fallback.func if isinstance(fallback, cst.Call) else fallback
            names = self.model.qualified_names(read)
            if names & GLOBAL_TRACER_CALLS and isinstance(fallback, cst.Call) and not fallback.args:
                return value.left
            if names & GLOBAL_TRACER_ATTRS and not isinstance(fallback, cst.Call):
                return value.left
        return value

    def leave_SimpleStatementLine(
        self, original_node: cst.SimpleStatementLine, updated_node: cst.SimpleStatementLine
    ) -> _Statement:
        if len(original_node.body) != 1:
            return updated_node
        small = original_node.body[0]
        try:
            if isinstance(small, cst.Assign):
                return self._assign(original_node, updated_node, small)
            if isinstance(small, cst.Expr):
                return self._expression(original_node, updated_node, small.value)
            if isinstance(small, cst.Return) and small.value is not None:
                return self._return(updated_node, small, small.value)
        except Review as review:
            self.flag(small, "setup", str(review))
        return updated_node

    def _assign(
        self, original: cst.SimpleStatementLine, updated: cst.SimpleStatementLine, small: cst.Assign
    ) -> _Statement:
        value = small.value
        target = small.targets[0].target if len(small.targets) == 1 else None
        kind = self.kind(value)
        if (
            kind is Kind.JAEGER_CONFIG
            and isinstance(value, cst.Call)
            and isinstance(target, cst.Name)
        ):
            assignment = self.model.assignment_of(target)
            if assignment is None or len(assignment.references) != 1:
                raise Review("jaeger Config object used other than by one initialize_tracer()")
            line = self._setup_line(updated, small, small, value)
            self._configs[target] = value
            self.rewrote()
            return line
        if (
            isinstance(target, cst.Attribute)
            and self.model.qualified_names(target) & GLOBAL_TRACER_ATTRS
        ):
            if original in GlobalPatches.of(self.state).unbound and not self.kept(value):
                return self._patched_global(updated, small)
            if self._init_call(value) is not None:  # initialize_tracer() sets it itself
                return self._expression(original, updated, value)
            return self._drop_global(original, updated, value)
        return self._initialized_tracer(updated, small, value)

    def _patched_global(self, updated: cst.SimpleStatementLine, small: cst.Assign) -> _Statement:
        """``opentracing.tracer = other`` under a converted patch of the global tracer, which
        made ``get_tracer`` a mock: what every call of it returns from now on, until the patch
        ends (as the original patch restored the global tracer). Not where a name bound to the
        patch is read: that reads ``return_value`` now, which this would change too."""
        self.rewrote()
        returned = self.expr(small, "{trace}.get_tracer.return_value")
        assert isinstance(returned, cst.Attribute)
        target = cst.AssignTarget(returned)
        assign = updated.body[0]
        assert isinstance(assign, cst.Assign)
        return updated.with_changes(body=[assign.with_changes(targets=[target])])

    def _return(
        self, updated: cst.SimpleStatementLine, small: cst.Return, value: cst.BaseExpression
    ) -> _Statement:
        """``return Config(...).initialize_tracer()`` (a helper making the tracer) →
        ``configure(...)`` then ``return trace.get_tracer(__name__)``."""
        return self._initialized_tracer(updated, small, value)

    def _initialized_tracer(
        self,
        updated: cst.SimpleStatementLine,
        small: Union[cst.Assign, cst.Return],
        value: cst.BaseExpression,
    ) -> _Statement:
        """The statement whose value is ``<Config>.initialize_tracer()`` (or that ``or`` the
        global tracer, :meth:`_initialized`) now takes ``trace.get_tracer(__name__)``, after a
        ``configure(...)`` line unless the ``Config`` statement already became one."""
        call = self._initialized(value)
        config = self._init_call(call)
        if config is None:
            return updated
        self.rewrote()
        tracer = self.expr(small, "{trace}.get_tracer(__name__)")
        replaced = updated.with_changes(body=[updated.body[0].with_changes(value=tracer)])
        assert isinstance(call, cst.Call) and isinstance(call.func, cst.Attribute)  # _init_call
        if isinstance(call.func.value, cst.Name):
            return replaced  # the Config statement already became configure(...)
        return cst.FlattenSentinel(
            [
                self._setup_line(updated, small, small, config),
                replaced.with_changes(leading_lines=[]),
            ]
        )

    def _expression(
        self,
        original: cst.SimpleStatementLine,
        updated: cst.SimpleStatementLine,
        value: cst.BaseExpression,
    ) -> _Statement:
        config = self._init_call(value)
        if config is not None:
            self.rewrote()
            assert isinstance(value, cst.Call) and isinstance(value.func, cst.Attribute)  # ditto
            if isinstance(value.func.value, cst.Name):
                return cst.RemoveFromParent()
            small = original.body[0]
            return self._setup_line(updated, small, value, config)
        if (
            isinstance(value, cst.Call)
            and len(value.args) == 1
            and self.model.qualified_names(value.func) & SET_GLOBAL_TRACER
        ):
            return self._drop_global(original, updated, value.args[0].value)
        return updated

    def _drop_global(
        self,
        original: cst.SimpleStatementLine,
        updated: cst.SimpleStatementLine,
        tracer: cst.BaseExpression,
    ) -> _Statement:
        if self.kept(tracer):  # the legacy tracer stays: so does making it global
            return updated
        if self.kind(tracer) is not Kind.TRACER:
            raise Review("global tracer set to a tracer of unknown type")
        if made_by_mock(self.model, tracer):
            return self._patch_global(original, updated, tracer)
        self.rewrote()
        return cst.RemoveFromParent()

    def _patch_global(
        self,
        original: cst.SimpleStatementLine,
        updated: cst.SimpleStatementLine,
        tracer: cst.BaseExpression,
    ) -> _Statement:
        """A ``MockTracer`` made the global tracer (a test's set-up). The code under test reads
        ``trace.get_tracer(__name__)`` at each use, so that function is patched to give the
        mock's tracer (OpenTelemetry's global provider can be set only once: no test could set
        its own). In a ``TestCase`` method the patch ends with the test (``addCleanup``: its
        ``tearDown`` restored the global tracer); elsewhere it lasts, as the assignment did.
        Not while kept sites read OpenTracing's global tracer: the patch would not reach them."""
        if keeps_global_tracer(self.state):
            raise Review(
                "a MockTracer made the global tracer, which kept sites of this file still read: "
                "kept on OpenTracing"
            )
        self.rewrote()
        mock = self.otel(original, "unittest", "mock")
        template = f'{mock}.patch("{GET_TRACER}", new={mock}.Mock(return_value=TRACER))'
        patch = self.expr(original, template, TRACER=tracer)
        if not self._in_test_case(original):
            started = cst.Expr(cst.Call(cst.Attribute(patch, cst.Name("start"))))
            return updated.with_changes(body=[started])
        bound = cst.Assign([cst.AssignTarget(cst.Name("tracer_patch"))], patch)
        return cst.FlattenSentinel(
            [
                updated.with_changes(body=[bound]),
                cst.SimpleStatementLine([cst.Expr(cst.parse_expression("tracer_patch.start()"))]),
                cst.SimpleStatementLine(
                    [cst.Expr(cst.parse_expression("self.addCleanup(tracer_patch.stop)"))]
                ),
            ]
        )

    def _in_test_case(self, node: cst.CSTNode) -> bool:
        """Whether ``node`` is in a method (taking ``self``) of a ``unittest`` test case."""
        scope = self.model.scope(node)
        if not isinstance(scope, FunctionScope) or not isinstance(scope.parent, ClassScope):
            return False
        function, owner = scope.node, scope.parent.node
        if not isinstance(function, cst.FunctionDef) or not isinstance(owner, cst.ClassDef):
            return False
        first = function.params.params[0].name.value if function.params.params else None
        return first == "self" and any(
            name.endswith("TestCase")
            for base in owner.bases
            for name in self.model.qualified_names(base.value)
        )

    def leave_Module(self, original_node: cst.Module, updated_node: cst.Module) -> cst.Module:
        if set(self._configs.values()) - self._consumed:
            raise Unconvertible("jaeger Config object used other than by initialize_tracer()")
        return updated_node

    def leave_Call(self, original_node: cst.Call, updated_node: cst.Call) -> cst.BaseExpression:
        func = original_node.func
        method = self._lifecycle(original_node)
        if method is not None and not self.kept(original_node):
            try:
                return self._lifecycle_call(original_node, method)
            except Review as review:
                self.flag(original_node, method, str(review))
                return updated_node
        if (
            isinstance(func, cst.Attribute)
            and func.attr.value == "initialize_tracer"
            and not self.discarded(original_node)
            and self.kind(func.value) is Kind.JAEGER_CONFIG
            and not self._own_statement(original_node)
        ):
            return self._inline(original_node, updated_node)
        return updated_node

    def _inline(self, original: cst.Call, updated: cst.Call) -> cst.BaseExpression:
        """``config.initialize_tracer()`` inside an expression (``FlaskTracing(config.
        initialize_tracer(), True, app)``) → ``trace.get_tracer(__name__)``: the ``configure()``
        runs where the ``Config`` statement was. ``Config(...).initialize_tracer()`` there is
        reported: its ``configure()`` would need a line of its own before the statement, which
        the other rewrites of that statement (an integration set-up) must also see."""
        config = self._init_call(original)
        if config is None or config is cst.ensure_type(original.func, cst.Attribute).value:
            self.flag(
                original,
                "setup",
                "initialize_tracer() used inside an expression: rewrite by hand to configure()",
            )
            return updated
        self.rewrote()
        return self.expr(original, "{trace}.get_tracer(__name__)")

    def _own_statement(self, node: cst.Call) -> bool:
        """Whether ``node`` is set-up of a statement of its own (``x = ...initialize_tracer()``,
        a bare call, a removed Django setting), which the statement handlers rewrite."""
        parents: Sequence[cst.CSTNode] = self.state.statements[-1:]
        statement = parents[0] if parents else None
        if (
            statement is not None
            and removes_setting(self, statement)
            and self._init_call(node) is not None
        ):
            return True  # the Django setting holding it goes; its Config's configure() stays
        return (
            isinstance(statement, cst.SimpleStatementLine)
            and len(statement.body) == 1
            and (
                isinstance(statement.body[0], (cst.Assign, cst.Return))
                and statement.body[0].value is not None
                and self._initialized(statement.body[0].value) is node
            )
        )
