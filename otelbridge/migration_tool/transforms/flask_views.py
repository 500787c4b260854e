"""Flask-OpenTracing's decorated views → FlaskInstrumentor on the application.

``tracing = FlaskTracing(tracer)`` without the application traces only the views decorated with
``@tracing.trace()``, and a view reads its request span with ``tracing.get_span()``.
FlaskInstrumentor has no per-view switch: it traces every request of the application it
instruments. So when each use of the integration object is such a decorator (without traced
attributes) or a ``get_span()`` call, and the module binds one Flask application before the
set-up (or the set-up is given it with ``trace_all_requests=False``: ``FlaskTracing(tracer,
False, app)``), the set-up becomes ``FlaskInstrumentor().instrument_app(app)`` (:mod:`.integrations`
writes it), the decorators go, ``get_span()`` becomes ``trace.get_current_span()`` (in a view
the instrumentor's request span is the current one) and ``tracing.tracer`` the module's tracer,
``trace.get_tracer(__name__)``. The report says that the views left undecorated are traced now
too. Any other use (a decorator with attributes, a ``get_span()`` or ``tracer`` kept on
OpenTracing) leaves the set-up, its decorators and reads as written.

With ``trace_all_requests=True`` (the default once the application is given), it already traces
every request and its ``@tracing.trace(...)`` decorators pass the call through (attributes and
all): they go too, ``get_span()`` reads the current span, and the set-up converts as any
all-requests one (:attr:`ViewsPlan.passthrough`).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Optional, Union, cast

import libcst as cst
from libcst.metadata import Assignment

from otelbridge.migration_tool.model import Kind
from otelbridge.migration_tool.transforms.base import LegacyTransform, arg, literal, planned
from otelbridge.migration_tool.transforms.integration_args import (
    defined_in_project,
    records_globally,
)
from otelbridge.migration_tool.walk import walk

#: Flask-OpenTracing's integration classes, by qualified name.
FLASK_TRACERS = frozenset(
    {
        "flask_opentracing.FlaskTracing",
        "flask_opentracing.FlaskTracer",
        "flask_opentracing.tracing.FlaskTracing",
    }
)
#: Set-up options FlaskInstrumentor has no equivalent for.
UNMAPPED = frozenset({"traced_attributes", "start_span_cb"})
#: ``context.scratch`` key of the file's :class:`ViewsPlan`.
PLAN_KEY = "otelbridge.flask_views"
NOTE = "it traces every view of the application, also the ones no @{name}.trace() decorated"


@dataclass
class ViewsPlan:
    #: set-up call -> the name of the application it instruments
    setups: dict[cst.Call, str] = field(default_factory=dict)
    #: set-up call -> the name of its tracer argument
    names: dict[cst.Call, str] = field(default_factory=dict)
    #: all-requests set-ups whose decorators pass through (no application to find)
    passthrough: set[cst.Call] = field(default_factory=set)
    #: ``@tracing.trace()`` decorators that go
    decorators: set[cst.Decorator] = field(default_factory=set)
    #: ``tracing.get_span()`` calls that become ``trace.get_current_span()``
    spans: set[cst.Call] = field(default_factory=set)
    #: ``tracing.tracer`` reads that become ``trace.get_tracer(__name__)``
    tracers: set[cst.Attribute] = field(default_factory=set)


def flask_setup(transform: LegacyTransform, call: cst.Call) -> bool:
    """Whether ``call`` makes a Flask-OpenTracing integration object (not the project's own)."""
    return any(
        name in FLASK_TRACERS and not defined_in_project(transform, name)
        for name in transform.model.qualified_names(call.func)
    )


def plan_of(transform: LegacyTransform) -> ViewsPlan:
    return planned(transform, PLAN_KEY, ViewsPlan)


class FlaskViews(LegacyTransform):
    DESCRIPTION = "Flask-OpenTracing's decorated views to FlaskInstrumentor."

    def visit_Module(self, node: cst.Module) -> None:
        plan = self.state.context.scratch[PLAN_KEY] = ViewsPlan()
        if not self.spells("flask_opentracing"):
            return
        apps: dict[str, int] = {}
        setups: list[tuple[cst.Call, cst.Name, int]] = []
        decorators: dict[cst.Name, cst.Decorator] = {}
        bare: set[cst.Name] = set()  # receivers of decorators without traced attributes
        spans: dict[cst.Name, cst.Call] = {}
        tracers: dict[cst.Name, cst.Attribute] = {}
        for found in walk(node):
            if isinstance(found, cst.SimpleStatementLine):
                assign = found.body[0] if len(found.body) == 1 else None
                if not isinstance(assign, cst.Assign) or len(assign.targets) != 1:
                    continue
                target, value = assign.targets[0].target, assign.value
                if isinstance(target, cst.Name) and isinstance(value, cst.Call):
                    line = self.state.position(found)[0]
                    if "flask.Flask" in self.model.qualified_names(value.func):
                        apps[target.value] = -1 if target.value in apps else line
                    elif flask_setup(self, value):
                        setups.append((value, target, line))
            elif isinstance(found, cst.Decorator):
                decorator = found.decorator
                receiver = _receiver(decorator, "trace")
                if receiver is not None and isinstance(decorator, cst.Call):
                    decorators[receiver] = found
                    if not decorator.args:
                        bare.add(receiver)
            elif isinstance(found, cst.Call):
                receiver = _receiver(found, "get_span")
                if receiver is not None and len(found.args) <= 1:
                    spans[receiver] = found
            elif (
                isinstance(found, cst.Attribute)
                and found.attr.value == "tracer"
                and isinstance(found.value, cst.Name)
            ):
                tracers[found.value] = found
        for call, target, line in setups:
            every = self._every_request(call)
            app = None if every else self._application(call, apps, line)
            assignment = self.model.assignment_of(target)
            if (
                not (app or every)
                or not isinstance(assignment, Assignment)
                or not assignment.references
            ):
                continue
            reads = [access.node for access in assignment.references]
            goes = decorators if every else bare
            if not all(
                isinstance(r, cst.Name) and (r in goes or r in spans or r in tracers) for r in reads
            ):
                continue
            reads_span = [spans[r] for r in reads if isinstance(r, cst.Name) and r in spans]
            reads_tracer = [tracers[r] for r in reads if isinstance(r, cst.Name) and r in tracers]
            if any(read in self.model.frozen for read in [*reads_span, *reads_tracer]):
                continue
            if app is not None:
                plan.setups[call] = app
            else:
                plan.passthrough.add(call)
            plan.names[call] = target.value
            plan.decorators.update(
                decorators[r] for r in reads if isinstance(r, cst.Name) and r in decorators
            )
            plan.spans.update(reads_span)
            plan.tracers.update(reads_tracer)
        for read in plan.spans:
            self.model.assume(read, Kind.CURRENT_SPAN)  # before any transform asks
        for tracer in plan.tracers:
            self.model.assume(tracer, Kind.TRACER)

    def _every_request(self, call: cst.Call) -> bool:
        """Whether the set-up ``call`` traces every request of the application it is given
        (``trace_all_requests=True``), with a tracer the migration converts."""
        every = arg(call, "trace_all_requests", 1)  # by default, every one once an app is given
        return (
            (every is None or literal(every.value) is True)
            and arg(call, "app", 2) is not None
            and not any(item.star for item in call.args)
            and records_globally(self, call)
        )

    def _application(self, call: cst.Call, apps: dict[str, int], line: int) -> Optional[str]:
        """The one Flask application of the module, bound once above the set-up ``call``, when
        the set-up names none and every option it gives has an instrumentor equivalent."""
        if any(item.star for item in call.args) or not records_globally(self, call):
            return None
        every = arg(call, "trace_all_requests", 1)
        if every is not None and literal(every.value) not in (False, None):
            return None
        if any(item.keyword is not None and item.keyword.value in UNMAPPED for item in call.args):
            return None
        given = arg(call, "app", 2)
        if given is not None:  # ``FlaskTracing(tracer, False, app)``: its decorated views only
            named = every is not None and isinstance(given.value, cst.Name)
            return cast(cst.Name, given.value).value if named else None
        bound = [(name, at) for name, at in apps.items() if at >= 0]
        if len(apps) != 1 or not bound or bound[0][1] > line:
            return None
        return bound[0][0]

    def leave_Decorator(
        self, original_node: cst.Decorator, updated_node: cst.Decorator
    ) -> Union[cst.Decorator, cst.RemovalSentinel]:
        if original_node in plan_of(self).decorators:
            self.rewrote()
            return cst.RemovalSentinel.REMOVE
        return updated_node

    def leave_Call(self, original_node: cst.Call, updated_node: cst.Call) -> cst.BaseExpression:
        if original_node in plan_of(self).spans:
            self.rewrote()
            return self.expr(original_node, "{trace}.get_current_span()")
        return updated_node

    def leave_Attribute(
        self, original_node: cst.Attribute, updated_node: cst.Attribute
    ) -> cst.BaseExpression:
        if original_node in plan_of(self).tracers:
            self.rewrote()
            return self.expr(original_node, "{trace}.get_tracer(__name__)")
        return updated_node


def _receiver(node: cst.BaseExpression, method: str) -> Optional[cst.Name]:
    """``X`` of ``X.<method>(...)``."""
    if not isinstance(node, cst.Call) or any(item.star for item in node.args):
        return None
    func = node.func
    if isinstance(func, cst.Attribute) and func.attr.value == method:
        return func.value if isinstance(func.value, cst.Name) else None
    return None
