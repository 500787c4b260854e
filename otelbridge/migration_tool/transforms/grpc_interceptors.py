"""grpcio-opentracing's interceptors → opentelemetry-instrumentation-grpc's.

``open_tracing_client_interceptor(tracer)`` given to grpcio-opentracing's
``grpcext.intercept_channel(channel, it)`` becomes ``client_interceptor()`` given to the
instrumentation's own ``grpcext.intercept_channel`` (its client interceptors are not grpc's).
A server interceptor went through ``grpcext.intercept_server(server, it)``, which grpc has no
counterpart of: a grpc server takes its interceptors when it is made. So ``server_interceptor()``
(a grpc one) joins the ``interceptors=`` of the ``grpc.server(...)`` that made that server (bound
once, above the ``intercept_server``, in the same scope) and the set-up statements go, their
comments moving above that call. The interceptor is a name bound to the set-up, or the set-up
call itself (``intercept_server(server, open_tracing_server_interceptor(tracer))``). The tracer
argument goes: the instrumentation records through the global provider ``configure()`` installs.
``log_payloads`` and ``active_span_source`` have no equivalent (noted); ``span_decorator=``, or
any other use of the interceptor, leaves the set-up to :mod:`.integrations`, which marks it (the
tracer given then stays on OpenTracing).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Optional, Union

import libcst as cst
from libcst.metadata import Assignment

from otelbridge.migration_tool.findings import Finding
from otelbridge.migration_tool.transforms.arguments import keyword
from otelbridge.migration_tool.transforms.base import LegacyTransform, arg, literal, planned
from otelbridge.migration_tool.transforms.integration_args import (
    converted_tracer,
    defined_in_project,
)
from otelbridge.migration_tool.walk import walk

CLIENT = "grpc_opentracing.open_tracing_client_interceptor"
SERVER = "grpc_opentracing.open_tracing_server_interceptor"
INTERCEPT_CHANNEL = "grpc_opentracing.grpcext.intercept_channel"
INTERCEPT_SERVER = "grpc_opentracing.grpcext.intercept_server"
#: Options OpenTelemetry's interceptors have no counterpart of, which only change what is logged.
NOTED = ("log_payloads", "active_span_source")
PACKAGE = "opentelemetry-instrumentation-grpc"
MODULE = "opentelemetry.instrumentation.grpc"
PLAN_KEY = "otelbridge.grpc_interceptors"
#: An ``intercept_*(...)`` call given an interceptor, and its statement when it is that
#: statement's whole value (``server = intercept_server(server, it)``).
Use = tuple[cst.Call, Optional[cst.SimpleStatementLine]]


@dataclass
class InterceptorPlan:
    #: set-up call -> ``client_interceptor`` or ``server_interceptor``
    setups: dict[cst.Call, str] = field(default_factory=dict)
    #: ``grpcext.intercept_channel(...)`` calls that become grpc's
    channels: set[cst.Call] = field(default_factory=set)
    #: statements that go (a server's set-up and its ``intercept_server``)
    removed: set[cst.SimpleStatementLine] = field(default_factory=set)
    #: ``grpc.server(...)`` calls that get the interceptor
    servers: set[cst.Call] = field(default_factory=set)
    #: their statements -> the comments of the statements that went
    comments: dict[cst.SimpleStatementLine, list[cst.EmptyLine]] = field(default_factory=dict)
    #: ``S = intercept_server(S0, it)`` with ``S`` another name than ``S0``: ``S = S0``
    renamed: dict[cst.SimpleStatementLine, tuple[str, str]] = field(default_factory=dict)
    #: ``return intercept_server(S0, it)``: ``return S0``
    returned: dict[cst.SimpleStatementLine, str] = field(default_factory=dict)


def plan_of(transform: LegacyTransform) -> InterceptorPlan:
    return planned(transform, PLAN_KEY, InterceptorPlan)


class GrpcInterceptors(LegacyTransform):
    DESCRIPTION = "grpcio-opentracing interceptors to opentelemetry-instrumentation-grpc."

    def visit_Module(self, node: cst.Module) -> None:
        plan = self.state.context.scratch[PLAN_KEY] = InterceptorPlan()
        if not self.spells("grpc_opentracing"):
            return
        setups: list[tuple[cst.SimpleStatementLine, cst.Name, cst.Call, str]] = []
        #: set-ups written as the interceptor argument itself -> that call, its statement
        inline: list[tuple[cst.Call, str, Use]] = []
        #: name read -> (the call it is the interceptor argument of, that call's statement)
        given: dict[cst.Name, Use] = {}
        servers: dict[cst.Name, tuple[cst.SimpleStatementLine, cst.Call]] = {}
        statement: Optional[cst.SimpleStatementLine] = None
        for found in walk(node):
            if isinstance(found, cst.SimpleStatementLine):
                statement = found
                target, value = _assignment(found)
                if target is not None and value is not None:
                    kind = self._setup_kind(value)
                    if kind is not None:
                        setups.append((found, target, value, kind))
                    elif "grpc.server" in self.model.qualified_names(value.func):
                        servers[target] = (found, value)
            elif isinstance(found, cst.Call) and len(found.args) == 2:
                interceptor = found.args[1].value
                names = self.model.qualified_names(found.func)
                if not names & {INTERCEPT_CHANNEL, INTERCEPT_SERVER}:
                    continue
                whole = statement is not None and found in (
                    _assignment(statement)[1],
                    _returned(statement),
                )
                use = (found, statement if whole else None)
                if isinstance(interceptor, cst.Name):
                    given[interceptor] = use
                elif isinstance(interceptor, cst.Call):
                    kind = self._setup_kind(interceptor)
                    if kind is not None:
                        inline.append((interceptor, kind, use))
        for setup, target, call, kind in setups:
            assignment = self.model.assignment_of(target)
            if not isinstance(assignment, Assignment):
                continue
            reads = [a.node for a in assignment.references]
            if reads and all(isinstance(r, cst.Name) and r in given for r in reads):
                uses = [given[r] for r in reads if isinstance(r, cst.Name)]
                self._plan_setup(plan, call, kind, uses, setup, servers)
        for call, kind, use in inline:
            self._plan_setup(plan, call, kind, [use], None, servers)

    def _setup_kind(self, call: cst.Call) -> Optional[str]:
        """``CLIENT`` or ``SERVER`` for a call of grpcio-opentracing's interceptor set-ups."""
        names = self.model.qualified_names(call.func)
        kind = next((n for n in (CLIENT, SERVER) if n in names), None)
        return None if kind is None or defined_in_project(self, kind) else kind

    def _plan_setup(
        self,
        plan: InterceptorPlan,
        call: cst.Call,
        kind: str,
        uses: list[Use],
        setup: Optional[cst.SimpleStatementLine],
        servers: dict[cst.Name, tuple[cst.SimpleStatementLine, cst.Call]],
    ) -> None:
        """Plan the set-up ``call`` given (through its own statement ``setup``, or inline) to the
        ``intercept_*`` calls of ``uses``, when each maps."""
        if not self._mappable(call):
            return
        if kind == CLIENT:
            if all(INTERCEPT_CHANNEL in self.model.qualified_names(c.func) for c, _ in uses):
                plan.setups[call] = "client_interceptor"
                plan.channels.update(c for c, _ in uses)
        elif len(uses) == 1:
            intercept, statement = uses[0]
            if statement is not None and INTERCEPT_SERVER in self.model.qualified_names(
                intercept.func
            ):
                self._plan_server(plan, call, setup, intercept, statement, servers)

    def _mappable(self, call: cst.Call) -> bool:
        """Every argument the set-up gives is the tracer or an option without effect on spans,
        and the tracer is one the migration turns into OpenTelemetry's (a vendor's tracer would
        leave the interceptor's spans to an unconfigured provider)."""
        if not converted_tracer(self, arg(call, "tracer", 0)):
            return False
        for index, item in enumerate(call.args):
            name = item.keyword.value if item.keyword is not None else ("tracer", "")[min(index, 1)]
            if item.star or name not in ("tracer", *NOTED):
                return False
        return True

    def _plan_server(
        self,
        plan: InterceptorPlan,
        call: cst.Call,
        setup: Optional[cst.SimpleStatementLine],
        intercept: cst.Call,
        statement: cst.SimpleStatementLine,
        servers: dict[cst.Name, tuple[cst.SimpleStatementLine, cst.Call]],
    ) -> None:
        server = intercept.args[0].value
        target, _ = _assignment(statement)
        returned = _returned(statement) is intercept
        if not isinstance(server, cst.Name) or (target is None and not returned):
            return
        made = [s for name, s in servers.items() if name.value == server.value]
        scope = self.model.scope(server)
        rebinds = target is not None and target.value == server.value
        bindings = 2 if rebinds else 1  # grpc.server's (and this one)
        if len(made) != 1 or scope is None or len(scope[server.value]) != bindings:
            return
        made_statement, made_call = made[0]
        given = arg(made_call, "interceptors")
        if given is not None and not isinstance(given.value, (cst.List, cst.Tuple)):
            return
        # the server is made before it is intercepted; the interceptor may be made before either
        # (grpcio-opentracing's README): it moves into the server's ``interceptors=``
        if self.state.position(made_statement)[0] > self.state.position(statement)[0]:
            return
        plan.setups[call] = "server_interceptor"
        if setup is not None:
            plan.removed.add(setup)
        if rebinds:
            plan.removed.add(statement)
        elif target is not None:
            plan.renamed[statement] = (target.value, server.value)
        else:
            plan.returned[statement] = server.value
        plan.servers.add(made_call)
        plan.comments[made_statement] = [
            line
            for s in (setup, statement)
            if s is not None
            for line in s.leading_lines
            if line.comment
        ]

    def leave_SimpleStatementLine(
        self, original_node: cst.SimpleStatementLine, updated_node: cst.SimpleStatementLine
    ) -> Union[cst.SimpleStatementLine, cst.RemovalSentinel]:
        plan = plan_of(self)
        if original_node in plan.removed:
            self.rewrote()
            return cst.RemovalSentinel.REMOVE
        renamed = plan.renamed.get(original_node)
        if renamed is not None:
            self.rewrote()
            assign = cst.Assign([cst.AssignTarget(cst.Name(renamed[0]))], cst.Name(renamed[1]))
            return updated_node.with_changes(body=[assign])
        server = plan.returned.get(original_node)
        if server is not None:
            self.rewrote()
            return updated_node.with_changes(body=[cst.Return(cst.Name(server))])
        comments = plan.comments.get(original_node)
        if comments:  # those of the statements that went, above the call that took their place
            return updated_node.with_changes(leading_lines=[*updated_node.leading_lines, *comments])
        return updated_node

    def leave_Call(self, original_node: cst.Call, updated_node: cst.Call) -> cst.BaseExpression:
        plan = plan_of(self)
        made = plan.setups.get(original_node)
        if made is not None:
            self.rewrote()
            self._note(original_node, made)
            return cst.Call(cst.Name(self.otel(original_node, MODULE, made)))
        if original_node in plan.channels:
            self.rewrote()
            grpcext = self.otel(original_node, MODULE, "grpcext")  # its interceptors' own
            func = cst.Attribute(cst.Name(grpcext), cst.Name("intercept_channel"))
            return updated_node.with_changes(func=func)
        if original_node in plan.servers:
            self.rewrote()
            interceptor = cst.Call(cst.Name(self.otel(original_node, MODULE, "server_interceptor")))
            given = arg(updated_node, "interceptors")
            if given is None:
                listed = cst.List([cst.Element(interceptor)])
                interceptors = keyword("interceptors", listed)
                return updated_node.with_changes(args=[*updated_node.args, interceptors])
            assert isinstance(given.value, (cst.List, cst.Tuple))  # planned so
            elements = [*given.value.elements, cst.Element(interceptor)]
            new = given.with_changes(value=given.value.with_changes(elements=elements))
            return updated_node.with_changes(
                args=[new if a is given else a for a in updated_node.args]
            )
        return updated_node

    def _note(self, call: cst.Call, made: str) -> None:
        dropped = [
            item.keyword.value
            for item in call.args
            if item.keyword is not None
            and item.keyword.value in NOTED
            and literal(item.value) not in (False, None)
        ]
        note = f"pip install {PACKAGE} ({made}() replaces the OpenTracing interceptor"
        note += f"; {', '.join(dropped)}= has no equivalent)" if dropped else ")"
        self.state.findings.append(Finding("integration-note", note, *self.state.position(call)))


def _assignment(
    statement: cst.SimpleStatementLine,
) -> tuple[Optional[cst.Name], Optional[cst.Call]]:
    """``name = call(...)`` as the whole statement: its target and call."""
    small = statement.body[0] if len(statement.body) == 1 else None
    if isinstance(small, cst.Assign) and len(small.targets) == 1:
        target, value = small.targets[0].target, small.value
        if isinstance(target, cst.Name) and isinstance(value, cst.Call):
            return target, value
    return None, None


def _returned(statement: cst.SimpleStatementLine) -> Optional[cst.BaseExpression]:
    """The value of ``return value`` as the whole statement."""
    small = statement.body[0] if len(statement.body) == 1 else None
    return small.value if isinstance(small, cst.Return) else None
