"""``config_integration.trace_integrations([...])`` -> ``opentelemetry-instrumentation-*`` calls.

Each OpenCensus integration name becomes ``<Instrumentor>().instrument()``, with the package to
install in the report and in a one-line note above it. The ``tracer=`` argument has no equivalent
(instrumentors use the global provider that ``configure()`` installs) and is dropped. A list that
is not literal stays as it is, marked; names without an instrumentor stay in a
``trace_integrations([...])`` call of their own, marked (the bridge serves them), so the names
that map are not held back with them (their OpenCensus integrations would record nowhere once the
tracer is migrated). With ``logging``, the module's log format strings name OpenTelemetry's
record fields (``%(traceId)s`` -> ``%(otelTraceID)s``).
"""

from __future__ import annotations

import dataclasses
import re
from typing import TYPE_CHECKING, Callable, Optional, Sequence

import libcst as cst
from libcst.metadata import Assignment, FunctionScope, GlobalScope

from otelbridge.migration_tool.findings import TODO_PREFIX, Finding
from otelbridge.migration_tool.opencensus import flask_config
from otelbridge.migration_tool.opencensus.django_settings import DjangoSettingsPlan
from otelbridge.migration_tool.opencensus.interceptors import Interceptors
from otelbridge.migration_tool.opencensus.logs import AzureLogs
from otelbridge.migration_tool.opencensus.names import CONFIG_INTEGRATION, INTEGRATIONS, MIDDLEWARES
from otelbridge.migration_tool.opencensus.setup import APP_KEYWORD
from otelbridge.migration_tool.transforms.base import arg, literal
from otelbridge.migration_tool.transforms.django_tracing import approved
from otelbridge.migration_tool.transforms.flask_hooks import OPENCENSUS_FLASK, hooked, request_hook
from otelbridge.migration_tool.walk import walk

if TYPE_CHECKING:
    from otelbridge.migration_tool.opencensus.traces import OpenCensusTraces

#: Notes for integrations whose OpenTelemetry counterpart records differently.
CAVEATS = {
    "logging": "log records get otelTraceID/otelSpanID (OpenCensus: traceId/spanId)",
    "postgresql": "OpenTelemetry instruments psycopg2 itself, not opencensus' connect() wrapper",
}
#: What an instrumentor is given to do what the OpenCensus integration did: LoggingInstrumentor
#: puts the trace ids on every record only when asked (its newer releases; older ones ignore it).
INSTRUMENT_ARGUMENTS = {"logging": "inject_trace_context=True"}
#: OpenCensus' logging integration's record fields -> LoggingInstrumentor's
LOG_FIELDS = {"traceId": "otelTraceID", "spanId": "otelSpanID", "traceSampled": "otelTraceSampled"}
#: a field in a %-style or {}-style format string
_LOG_FIELD = re.compile(r"(%\(|\{)(traceId|spanId|traceSampled)(?=\)|[}:!])")


class Integrations:
    def __init__(
        self, transform: OpenCensusTraces, names: Callable[[cst.CSTNode], set[str]]
    ) -> None:
        self._transform = transform
        self._names = names
        self._logs = AzureLogs(transform, names)
        self._interceptors = Interceptors(transform, names)

    def plan(self, module: cst.Module) -> None:
        DjangoSettingsPlan(self._transform, approved(self._transform) or []).plan(module)
        for node in walk(module):
            if isinstance(node, cst.SimpleStatementLine) and len(node.body) == 1:
                if self._logs.plan(module, node) or self._interceptors.plan(node):
                    continue
                small = node.body[0]
                call = small.value if isinstance(small, cst.Expr) else None
                if isinstance(call, cst.Call) and CONFIG_INTEGRATION in self._names(call.func):
                    self._plan(module, node, call)
                elif isinstance(call, cst.Call):
                    self._plan_middleware(module, node, call)
                elif isinstance(small, cst.Assign) and isinstance(small.value, cst.Call):
                    if self._unread(small):  # ``middleware = FlaskMiddleware(app)``
                        self._plan_middleware(module, node, small.value)
                    elif (returns := self._returned_unused(small)) is not None:
                        self._plan_middleware(module, node, small.value, returns)
                    else:  # ``middleware = FlaskMiddleware(...)``, then ``.init_app(app)``
                        self._plan_init_app(module, node, small)

    def _plan(self, tree: cst.Module, statement: cst.SimpleStatementLine, call: cst.Call) -> None:
        found = self._chosen(call)
        if found is None:
            return  # the leftover pass marks it
        chosen, unmapped = found
        if not chosen:
            return  # the leftover pass marks it
        transform = self._transform
        if "logging" in chosen:
            self._rename_log_fields(tree)
        where = transform.state.position(call)
        lines = []
        for name in chosen:
            module, cls, package = INTEGRATIONS[name]
            local = transform.otel(call, module, cls)
            arguments = INSTRUMENT_ARGUMENTS.get(name, "")
            notes = [f"pip install {package}"] + ([CAVEATS[name]] if name in CAVEATS else [])
            for note in notes:
                transform.state.findings.append(
                    Finding("opencensus-note", f"{name}: {note}", *where)
                )
            lines.append(
                cst.SimpleStatementLine(
                    [cst.Expr(cst.parse_expression(f"{local}().instrument({arguments})"))],
                    leading_lines=[
                        cst.EmptyLine(
                            indent=True, comment=cst.Comment(TODO_PREFIX + "; ".join(notes))
                        )
                    ],
                )
            )
        if unmapped:
            names = ", ".join(str(literal(e.value)) for e in unmapped)
            marker = transform.kept_marker(call, f"{names}: no OpenTelemetry instrumentor")
            lines.append(
                statement.with_changes(leading_lines=[marker], body=[_only(call, unmapped)])
            )
        if lines:
            lines[0] = lines[0].with_changes(
                leading_lines=[*statement.leading_lines, *lines[0].leading_lines]
            )
        transform.replace_statement(statement, lines)

    def _rename_log_fields(self, module: cst.Module) -> None:
        """Log format strings of the module name LoggingInstrumentor's record fields: the
        OpenCensus ones are gone, and a format naming one fails on every record."""
        for node in walk(module):
            if isinstance(node, cst.SimpleString) and _LOG_FIELD.search(node.value):
                renamed = _LOG_FIELD.sub(lambda m: m[1] + LOG_FIELDS[m[2]], node.value)
                self._transform.rewrite_string(node, renamed)

    def _plan_middleware(
        self,
        module: cst.Module,
        statement: cst.SimpleStatementLine,
        call: cst.Call,
        returns: Sequence[cst.SimpleStatementLine] = (),
    ) -> None:
        """``FlaskMiddleware(app, sampler=, exporter=)`` -> ``FlaskInstrumentor().instrument_app(
        app, request_hook=...)`` (the hook keeps the middleware's span name and attributes) and
        the sampler and exporter in ``configure()``, or those of the app's literal
        ``app.config['OPENCENSUS']`` (see :mod:`.flask_config`). ``returns``: the statements
        returning the middleware from its set-up function, whose callers drop it: they go."""
        found = next((MIDDLEWARES[n] for n in self._names(call.func) if n in MIDDLEWARES), None)
        app = arg(call, APP_KEYWORD, 0)
        if found is None or app is None:
            return
        module_name, cls, package = found
        transform = self._transform
        config = flask_config.read(module, statement, app.value)
        if isinstance(config, str):
            transform.keep(call, config)
            return
        if config is not None and len(call.args) > 1:
            transform.keep(
                call,
                "given set-up arguments and app.config['OPENCENSUS'] both (the arguments win): "
                "move the config's other values into configure() by hand",
            )
            return
        if transform.setup_mapper.blocker(
            call, positional=1, what=cls.replace("Instrumentor", "Middleware")
        ):
            return  # the leftover pass marks it
        setup = transform.setup_mapper.setups[call]
        leading: list[cst.EmptyLine] = []
        if config is None:
            setup.notes.append(
                f"pip install {package}; settings in app.config['OPENCENSUS'] are not read any more"
            )
        else:
            setup = dataclasses.replace(
                config.setup,
                anchor=setup.anchor,
                bindings=setup.bindings,
                parameters=setup.parameters,
                notes=[*config.setup.notes, f"pip install {package}"],
            )
            transform.setup_mapper.setups[call] = setup
            transform.replace_statement(config.statement, [])
            if any(line.comment is not None for line in config.statement.leading_lines):
                leading = list(config.statement.leading_lines)
        transform.place_configure(call, setup, leading)
        local = transform.otel(call, module_name, cls)
        hook = (
            request_hook(transform, call, OPENCENSUS_FLASK) if cls == "FlaskInstrumentor" else None
        )
        definitions, template, leading_lines = hooked(
            hook, f"{local}().instrument_app(APP)", statement.leading_lines
        )
        if config is not None and config.excluded_urls:
            excluded = transform.string(config.excluded_urls).value
            template = f"{template[:-1]}, excluded_urls={excluded})"
        line = cst.SimpleStatementLine(
            [cst.Expr(cst.parse_expression(template))], leading_lines=leading_lines
        )
        placed = cst.ensure_type(line.visit(_Placeholder(app.value)), cst.SimpleStatementLine)
        transform.replace_statement(statement, [*definitions, placed])
        for returned in returns:
            transform.replace_statement(returned, [])

    def _plan_init_app(
        self, module: cst.Module, statement: cst.SimpleStatementLine, assign: cst.Assign
    ) -> None:
        """``middleware = FlaskMiddleware(sampler=, exporter=)`` made without the app, which
        every use of the name then gives to ``middleware.init_app(app)`` (the app-factory
        pattern): the set-up goes to ``configure()`` in its place, and each ``init_app(app)``
        becomes ``FlaskInstrumentor().instrument_app(app, request_hook=...)``. Any other use of
        the name leaves it all to the leftover pass (kept, marked)."""
        call = cst.ensure_type(assign.value, cst.Call)
        found = next((MIDDLEWARES[n] for n in self._names(call.func) if n in MIDDLEWARES), None)
        if found is None or arg(call, APP_KEYWORD, 0) is not None:
            return
        sites = self._init_app_sites(assign)
        if not sites:
            return
        module_name, cls, package = found
        transform = self._transform
        if flask_config.names_key(module):
            transform.keep(
                call,
                "init_app(app) reads app.config['OPENCENSUS'], which this module sets: move its "
                "values into configure() by hand",
            )
            return
        if transform.setup_mapper.blocker(call, what=cls.replace("Instrumentor", "Middleware")):
            return  # the leftover pass marks it
        setup = transform.setup_mapper.setups[call]
        setup.notes.append(
            f"pip install {package}; settings in app.config['OPENCENSUS'] are not read any more"
        )
        transform.place_configure(call, setup)
        transform.replace_statement(statement, [])
        local = transform.otel(call, module_name, cls)
        for site, init_app in sites:
            hook = request_hook(transform, init_app, OPENCENSUS_FLASK)
            definitions, template, leading = hooked(
                hook, f"{local}().instrument_app(APP)", site.leading_lines
            )
            line = cst.SimpleStatementLine(
                [cst.Expr(cst.parse_expression(template))], leading_lines=leading
            )
            app = init_app.args[0].value
            placed = cst.ensure_type(line.visit(_Placeholder(app)), cst.SimpleStatementLine)
            transform.replace_statement(site, [*definitions, placed])

    def _init_app_sites(
        self, assign: cst.Assign
    ) -> list[tuple[cst.SimpleStatementLine, cst.Call]]:
        """The ``name.init_app(app)`` statements of the one name ``assign`` binds (bound
        there alone), if they are all its uses; else none."""
        target = assign.targets[0].target if len(assign.targets) == 1 else None
        scope = self._transform.scopes.get(target) if isinstance(target, cst.Name) else None
        if scope is None or not isinstance(target, cst.Name):
            return []
        bindings = list(scope.assignments[target.value])
        if len(bindings) != 1 or not isinstance(bindings[0], Assignment):
            return []
        sites = []
        for access in bindings[0].references:
            site = self._transform.enclosing_statement(access.node)
            small = site.body[0] if isinstance(site, cst.SimpleStatementLine) else None
            init_app = small.value if isinstance(small, cst.Expr) else None
            if not (
                isinstance(site, cst.SimpleStatementLine)
                and len(site.body) == 1
                and isinstance(init_app, cst.Call)
                and isinstance(init_app.func, cst.Attribute)
                and init_app.func.value is access.node
                and init_app.func.attr.value == "init_app"
                and len(init_app.args) == 1
                and _app_argument(init_app.args[0])
            ):
                return []
            sites.append((site, init_app))
        return sites

    def _unread(self, assign: cst.Assign) -> bool:
        """Whether the one name ``assign`` binds is never read."""
        target = assign.targets[0].target if len(assign.targets) == 1 else None
        if not isinstance(target, cst.Name):
            return False
        scope = self._transform.scopes.get(target)
        if scope is None:
            return False
        return all(
            not a.references
            for a in scope.assignments[target.value]
            if isinstance(a, Assignment) and a.node is target
        )

    def _returned_unused(self, assign: cst.Assign) -> Optional[list[cst.SimpleStatementLine]]:
        """The ``return middleware`` statements of a set-up function (``def start(): middleware
        = FlaskMiddleware(app); return middleware``) when they are the name's only reads and
        every call of the function, all in this module, drops the result (``start()`` as a
        statement); ``None`` otherwise."""
        target = assign.targets[0].target if len(assign.targets) == 1 else None
        scopes = self._transform.scopes
        scope = scopes.get(target) if isinstance(target, cst.Name) else None
        if not isinstance(target, cst.Name) or not isinstance(scope, FunctionScope):
            return None
        function = scope.node
        bindings = list(scope.assignments[target.value])
        if (
            not isinstance(function, cst.FunctionDef)
            or not isinstance(scope.parent, GlobalScope)
            or len(bindings) != 1
            or not isinstance(bindings[0], Assignment)
            or self._transform.imported_elsewhere(function.name.value)
        ):
            return None
        returns = []
        for access in bindings[0].references:
            site = self._transform.enclosing_statement(access.node)
            small = site.body[0] if isinstance(site, cst.SimpleStatementLine) else None
            if not (isinstance(small, cst.Return) and small.value is access.node):
                return None
            returns.append(cst.ensure_type(site, cst.SimpleStatementLine))
        callers = [
            a for a in scope.parent.assignments[function.name.value] if isinstance(a, Assignment)
        ]
        if len(callers) != 1 or callers[0].node is not function:
            return None
        for access in callers[0].references:
            site = self._transform.enclosing_statement(access.node)
            small = site.body[0] if isinstance(site, cst.SimpleStatementLine) else None
            call = small.value if isinstance(small, cst.Expr) else None
            if not (isinstance(call, cst.Call) and call.func is access.node):
                return None  # the middleware is read, or the function is passed around
        return returns or None

    def _chosen(self, call: cst.Call) -> Optional[tuple[list[str], list[cst.BaseElement]]]:
        """The literal integration names that have an instrumentor, and the elements of those
        that have none; None when a name is not literal, or ``tracer=`` is given to names that
        stay."""
        names = arg(call, "integrations", 0)
        listed = names.value if names is not None else None
        if isinstance(listed, cst.Name):  # INTEGRATIONS = ["pymysql"], never changed
            listed = self._transform.model.constant(listed)
        if names is None or not isinstance(listed, (cst.List, cst.Tuple)):
            return None
        if any(
            a is not names and (a.keyword is None or a.keyword.value != "tracer") for a in call.args
        ):
            return None
        chosen, unmapped = [], []
        for element in listed.elements:
            value = literal(element.value)
            if not isinstance(value, str):
                return None
            if value in INTEGRATIONS:
                chosen.append(value)
            else:
                unmapped.append(element)
        if unmapped and (len(call.args) > 1 or listed is not names.value):
            return None  # the names that stay would need the tracer, or the list is shared
        return chosen, unmapped


def _app_argument(given: cst.Arg) -> bool:
    """Whether ``given`` is ``init_app``'s one argument, the app (by position or ``app=``)."""
    return given.star == "" and (given.keyword is None or given.keyword.value == APP_KEYWORD)


def _only(call: cst.Call, elements: list[cst.BaseElement]) -> cst.Expr:
    """``call`` (whose one argument is a literal list) with only ``elements`` listed."""
    listed = call.args[0]
    names = listed.value
    assert isinstance(names, (cst.List, cst.Tuple))  # as _chosen found it
    kept = [e.with_changes(comma=cst.MaybeSentinel.DEFAULT) for e in elements]
    return cst.Expr(
        call.with_changes(args=[listed.with_changes(value=names.with_changes(elements=kept))])
    )


class _Placeholder(cst.CSTTransformer):
    """Puts the application expression where the template says ``APP``."""

    def __init__(self, app: cst.BaseExpression) -> None:
        super().__init__()
        self._app = app

    def leave_Name(self, original_node: cst.Name, updated_node: cst.Name) -> cst.BaseExpression:
        return self._app if updated_node.value == "APP" else updated_node
