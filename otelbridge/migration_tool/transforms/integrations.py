"""OpenTracing framework integrations → ``opentelemetry-instrumentation-*`` instrumentors.

A set-up statement such as ``FlaskTracing(tracer, True, app)`` or ``redis_opentracing.
init_tracing(tracer)`` becomes the instrumentor call (``FlaskInstrumentor().instrument_app(app)``,
``RedisInstrumentor().instrument()``) under a note naming the package to install; the note is in
the report and on stderr too. The tracer argument goes: instrumentors record through the global
provider ``configure()`` installs. Flask-OpenTracing's span name and tags are kept by a request
hook written next to the call (:mod:`.flask_hooks`). Set-ups whose options have no instrumentor
equivalent, or whose object is used afterwards (``@tracing.trace()``), stay as they are, marked
with what replaces them; so do set-ups inside another expression (``return FlaskTracing(...)``)
that no transform replaces, so that the tracer they are given stays on OpenTracing.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Optional, Union

import libcst as cst

from otelbridge.migration_tool.findings import TODO_PREFIX, Finding
from otelbridge.migration_tool.mock_tracers import made_by_mock
from otelbridge.migration_tool.model import Kind
from otelbridge.migration_tool.names import GLOBAL_TRACER_CALLS
from otelbridge.migration_tool.transforms.arguments import Review
from otelbridge.migration_tool.transforms.base import arg, literal
from otelbridge.migration_tool.transforms.django_tracing import approved
from otelbridge.migration_tool.transforms.flask_hooks import (
    FLASK_OPENTRACING,
    LegacyNaming,
    hooked,
    request_hook,
    request_hook_skipped,
)
from otelbridge.migration_tool.transforms.flask_views import FLASK_TRACERS, NOTE, plan_of
from otelbridge.migration_tool.transforms.grpc_interceptors import plan_of as interceptors_plan
from otelbridge.migration_tool.transforms.integration_args import (
    defined_in_project,
    records_globally,
    tracer_factory,
)
from otelbridge.migration_tool.transforms.statements import StatementAware

RULE = "integration"


@dataclass(frozen=True)
class Instrumentor:
    """What replaces one OpenTracing integration's set-up call."""

    package: str
    module: str
    cls: str
    #: the set-up's application argument (keyword, position): ``instrument_app(app)``
    app: Optional[tuple[str, int]] = None
    #: arguments (keyword, position) the instrumentor has no equivalent for (their behaviour
    #: would be lost)
    unmapped: tuple[tuple[str, int], ...] = ()
    #: the argument (keyword, position) naming request attributes recorded as tags, which the
    #: request hook records too when it is a literal list of names
    traced: Optional[tuple[str, int]] = None
    #: why the set-up cannot be replaced automatically, and how to replace it by hand
    by_hand: str = ""
    #: the span name and tags the integration recorded, which a request hook keeps
    naming: Optional[LegacyNaming] = None
    #: the plain class (module, name) that replaces the object the set-up makes, when the
    #: integration is an instrumented subclass (``SessionTracing``: ``requests.Session``)
    plain: Optional[tuple[str, str]] = None
    #: arguments (keyword, position) that keep their behaviour only with a literal True
    true_only: tuple[tuple[str, int], ...] = ()
    #: what the instrumentor records differently, for the note above the replaced set-up
    differences: str = ""


_FLASK = Instrumentor(
    "opentelemetry-instrumentation-flask",
    "opentelemetry.instrumentation.flask",
    "FlaskInstrumentor",
    app=("app", 2),
    unmapped=(("start_span_cb", 4),),
    traced=("traced_attributes", 3),
    naming=FLASK_OPENTRACING,
)
_GRPC = Instrumentor(
    "opentelemetry-instrumentation-grpc",
    "opentelemetry.instrumentation.grpc",
    "GrpcInstrumentorClient",
    by_hand="use opentelemetry.instrumentation.grpc's client_interceptor() with its "
    "grpcext.intercept_channel(), server_interceptor() in grpc.server(interceptors=[...]), or "
    "GrpcInstrumentorClient().instrument() and GrpcInstrumentorServer().instrument()",
)
_DJANGO = Instrumentor(
    "opentelemetry-instrumentation-django",
    "opentelemetry.instrumentation.django",
    "DjangoInstrumentor",
    by_hand="remove OPENTRACING_TRACING and django_opentracing's middleware from the settings and "
    "call DjangoInstrumentor().instrument() before the application loads",
)
_PATCHES = Instrumentor(
    "opentelemetry-instrumentation-requests",
    "opentelemetry.instrumentation.requests",
    "RequestsInstrumentor",
    by_hand="call the instrumentor of each library the patches covered: RequestsInstrumentor, "
    "URLLibInstrumentor, SQLAlchemyInstrumentor, RedisInstrumentor, Psycopg2Instrumentor, "
    "MySQLInstrumentor, TornadoInstrumentor (opentelemetry-instrumentation-<library>)",
)


def _instrument(package: str, cls: str) -> Instrumentor:
    return Instrumentor(package, "opentelemetry.instrumentation." + package.rsplit("-", 1)[1], cls)


#: Qualified name of an OpenTracing integration's set-up → what replaces it.
SETUPS: dict[str, Instrumentor] = {
    **dict.fromkeys(FLASK_TRACERS, _FLASK),
    "redis_opentracing.init_tracing": _instrument(
        "opentelemetry-instrumentation-redis", "RedisInstrumentor"
    ),
    "sqlalchemy_opentracing.init_tracing": _instrument(
        "opentelemetry-instrumentation-sqlalchemy", "SQLAlchemyInstrumentor"
    ),
    "tornado_opentracing.init_tracing": _instrument(
        "opentelemetry-instrumentation-tornado", "TornadoInstrumentor"
    ),
    "elasticsearch_opentracing.init_tracing": _instrument(
        "opentelemetry-instrumentation-elasticsearch", "ElasticsearchInstrumentor"
    ),
    "grpc_opentracing.open_tracing_client_interceptor": _GRPC,
    "grpc_opentracing.open_tracing_server_interceptor": _GRPC,
    "django_opentracing.DjangoTracing": _DJANGO,
    "django_opentracing.DjangoTracer": _DJANGO,
    "requests_opentracing.SessionTracing": Instrumentor(
        "opentelemetry-instrumentation-requests",
        "opentelemetry.instrumentation.requests",
        "RequestsInstrumentor",
        unmapped=(("span_tags", 2),),
        plain=("requests", "Session"),
        true_only=(("propagate", 1),),
        differences="it traces every requests call, not only this session's, and names spans "
        "by the HTTP method ('GET'; SessionTracing: 'requests.get')",
    ),
    "pyramid_opentracing.PyramidTracing": Instrumentor(
        "opentelemetry-instrumentation-pyramid",
        "opentelemetry.instrumentation.pyramid",
        "PyramidInstrumentor",
        by_hand="call PyramidInstrumentor().instrument_config(config) where the Configurator is "
        "made, and drop the @tracing.trace() decorators",
    ),
    "opentracing_instrumentation.client_hooks.install_all_patches": _PATCHES,
    "opentracing_instrumentation.client_hooks.install_patches": _PATCHES,
}
_Statement = Union[cst.SimpleStatementLine, cst.FlattenSentinel[cst.BaseStatement]]


class FrameworkIntegrations(StatementAware):
    DESCRIPTION = "OpenTracing framework integrations to opentelemetry-instrumentation-*."

    def _found(self, call: cst.Call) -> Optional[Instrumentor]:
        return next(
            (
                SETUPS[name]
                for name in self.model.qualified_names(call.func)
                if name in SETUPS and not defined_in_project(self, name)
            ),
            None,
        )

    def visit_Call(self, node: cst.Call) -> None:
        """A set-up inside another expression (``intercept_server(server,
        open_tracing_server_interceptor(tracer))``) that no transform replaces is marked: so the
        tracer it is given stays on OpenTracing (``legacy.py``) instead of being converted under
        an integration that keeps calling OpenTracing's API on it."""
        found = self._found(node)
        statement = self.state.statements[-1] if self.state.statements else None
        if found is None or node in interceptors_plan(self).setups or _setup(statement) is node:
            return
        how = found.by_hand or f"integration set-up inside an expression: replace it by {found.cls}"
        self.flag(node, RULE, f"{how} (pip install {found.package})")

    def leave_SimpleStatementLine(
        self, original_node: cst.SimpleStatementLine, updated_node: cst.SimpleStatementLine
    ) -> _Statement:
        call = _setup(original_node)
        if call is None:
            return updated_node
        small = original_node.body[0]
        found = self._found(call)
        if found is None or call in interceptors_plan(self).setups:  # grpc_interceptors.py's
            return updated_node
        if found is _DJANGO and approved(self) is not None:  # django_tracing.py removes it
            return updated_node
        views = plan_of(self)
        decorated = views.setups.get(call)  # the application of decorated views
        try:
            if found.by_hand:
                raise Review(f"{found.by_hand} (pip install {found.package})")
            passes = call in views.passthrough  # read only by decorators that go
            held = isinstance(small, cst.Assign) and not self._unread(small)
            if found.plain is not None and not isinstance(small, cst.Assign):
                raise Review(
                    f"use a plain {'.'.join(found.plain)}() and call {found.cls}().instrument() "
                    f"(pip install {found.package})"
                )
            if held and not (decorated or passes or found.plain):
                raise Review(
                    f"the integration object is used after its set-up: replace it by "
                    f"{found.cls} (pip install {found.package})"
                )
            template = self._replacement(call, found, decorated)
            traced = self._traced(call, found)
        except Review as review:
            self.flag(call, RULE, str(review))
            return updated_node
        self.rewrote()
        note = f"pip install {found.package} ({found.cls} replaces the OpenTracing integration"
        if decorated:
            note += f"; {NOTE.format(name=views.names[call])})"
        else:
            note += f"; {found.differences})" if found.differences else ")"
        self.state.findings.append(Finding(RULE + "-note", note, *self.state.position(call)))
        comment = cst.EmptyLine(indent=True, comment=cst.Comment(TODO_PREFIX + note))
        hook = (
            request_hook(self, call, found.naming, traced) if found.naming and found.app else None
        )
        definitions, template, leading = hooked(hook, template, updated_node.leading_lines)
        app = arg(call, *found.app) if found.app else None
        given: dict[str, cst.BaseExpression] = {}
        if decorated is not None:
            given["APP"] = cst.Name(decorated)
        elif app is not None:
            given["APP"] = app.value
        line = updated_node.with_changes(
            body=[cst.Expr(self.expr(call, template, **given))], leading_lines=[*leading, comment]
        )
        if found.plain is not None:  # and the object becomes the plain one
            assert isinstance(small, cst.Assign)
            plain = cst.Call(cst.Name(self.otel(call, *found.plain)))
            made = cst.SimpleStatementLine([small.with_changes(value=plain)])
            return cst.FlattenSentinel([line, made])
        factory = tracer_factory(self, call)
        tracer = self._made_tracer(call, updated_node)
        if factory is not None or tracer is not None:  # it set up tracing when it was called
            setup = tracer if tracer is not None else cst.Call(cst.Name(str(factory)))
            first = cst.SimpleStatementLine([cst.Expr(setup)], leading_lines=line.leading_lines)
            return cst.FlattenSentinel([*definitions, first, line.with_changes(leading_lines=[])])
        return cst.FlattenSentinel([*definitions, line]) if definitions else line

    def _made_tracer(
        self, call: cst.Call, updated: cst.SimpleStatementLine
    ) -> Optional[cst.BaseExpression]:
        """The set-up's tracer argument (now), when it is a call that makes a tracer
        (``FlaskTracing(init_tracer("web"), True, app)``: the helper calls ``configure()``):
        it must still run. Not a read of the global tracer, which does nothing, nor a jaeger
        ``initialize_tracer()``, whose ``configure()`` the set-up rewrite writes on a line of its
        own (``transforms/setup.py``)."""
        given = arg(call, "tracer", 0)
        if (
            given is None
            or not isinstance(given.value, cst.Call)
            or (
                isinstance(given.value.func, cst.Attribute)
                and self.kind(given.value.func.value) is Kind.JAEGER_CONFIG
            )
            or self.kind(given.value) is not Kind.TRACER
            or self.model.qualified_names(given.value.func) & GLOBAL_TRACER_CALLS
            or made_by_mock(self.model, given.value)
        ):
            return None
        now = _setup(updated)
        found = arg(now, "tracer", 0) if now is not None else None
        return found.value if found is not None else None

    def _traced(self, call: cst.Call, found: Instrumentor) -> tuple[str, ...]:
        """The request attributes the set-up records as tags (``traced_attributes=['url']``);
        ``Review`` when they are not a literal list of names, or no hook is written to keep
        them (``--semconv stable``)."""
        if found.traced is None:
            return ()
        given = arg(call, *found.traced)
        if given is None:
            return ()
        keyword = found.traced[0]
        elements = given.value.elements if isinstance(given.value, (cst.List, cst.Tuple)) else None
        names = [literal(e.value) for e in elements or ()]
        if elements is None or not all(isinstance(n, str) for n in names):
            raise Review(
                f"{keyword}= is not a literal list of request attributes: use {found.cls}'s "
                f"request_hook (pip install {found.package})"
            )
        if request_hook_skipped(self):
            raise Review(
                f"{keyword}= needs a request_hook, which --semconv stable does not write: add "
                f"one (pip install {found.package})"
            )
        return tuple(str(n) for n in names)

    def _replacement(self, call: cst.Call, found: Instrumentor, decorated: Optional[str]) -> str:
        """The instrumentor call as a template (``APP`` for the application argument)."""
        if any(item.star for item in call.args):
            raise Review("integration set-up with *args/**kwargs: replace it by hand")
        lost = sorted(name for name, at in found.unmapped if arg(call, name, at) is not None)
        lost += sorted(
            name
            for name, at in found.true_only
            if (given := arg(call, name, at)) is not None and literal(given.value) is not True
        )
        if lost:
            raise Review(
                f"{', '.join(lost)}= has no {found.cls} equivalent: use its request_hook "
                f"(pip install {found.package})"
            )
        if not records_globally(self, call):
            raise Review(
                "the tracer given is not one the migration converts (a vendor's tracer?): set the "
                f"SDK up with configure(), then replace this by {found.cls} "
                f"(pip install {found.package})"
            )
        local = self.otel(call, found.module, found.cls)
        if found.app is None:
            return f"{local}().instrument()"
        if decorated is not None:
            return f"{local}().instrument_app(APP)"
        app = arg(call, *found.app)
        every = arg(call, "trace_all_requests", 1)
        if app is None:
            raise Review(
                f"integration set up without the application: call "
                f"{found.cls}().instrument_app(app) (pip install {found.package})"
            )
        if every is not None and literal(every.value) is not True:
            raise Review(
                "only decorated views were traced (trace_all_requests is not True): "
                f"{found.cls} traces every request"
            )
        return f"{local}().instrument_app(APP)"

    def _unread(self, assign: cst.Assign) -> bool:
        target = assign.targets[0].target if len(assign.targets) == 1 else None
        if not isinstance(target, cst.Name):
            return False
        assignment = self.model.assignment_of(target)
        return assignment is not None and not assignment.references


def _setup(statement: Optional[cst.CSTNode]) -> Optional[cst.Call]:
    """The call a statement is made of (``call(...)`` or ``target = call(...)``): the set-ups
    :meth:`FrameworkIntegrations.leave_SimpleStatementLine` replaces are those."""
    if not isinstance(statement, cst.SimpleStatementLine) or len(statement.body) != 1:
        return None
    small = statement.body[0]
    call = small.value if isinstance(small, (cst.Expr, cst.Assign)) else None
    return call if isinstance(call, cst.Call) else None
