"""django_opentracing's set-up in ``settings.py`` -> ``DjangoInstrumentor`` at start-up.

django_opentracing is set up in the settings alone: ``'django_opentracing.OpenTracingMiddleware'``
in ``MIDDLEWARE``, ``OPENTRACING_TRACING = DjangoTracing(tracer)`` (or the older
``OPENTRACING_TRACER = DjangoTracer(tracer)``) and ``OPENTRACING_TRACE_ALL = True`` (its
default in django_opentracing 1.1, the last release). Once migrated
the settings name none of it: the tracer's own set-up (a jaeger ``Config``) converts as anywhere
else, and ``DjangoInstrumentor().instrument()``, which reads the settings, goes where the process
starts (``django_entry.py``, the project pre-pass, which also checks that no other module reads
these settings). :func:`read` decides on the tree alone, for that pre-pass and this transform
alike. Only decorated views were traced when ``OPENTRACING_TRACE_ALL`` is not ``True``, and a
tracer made by a factory the migration does not convert (``OPENTRACING_TRACER_CALLABLE``, a
vendor's tracer): those keep the middleware, marked with the reason.
"""

from __future__ import annotations

import dataclasses
import os
from typing import Optional, Union

import libcst as cst
from libcst.helpers import get_full_name_for_node

from otelbridge.migration_tool.django_lists import (
    PACKAGE,
    SettingsScan,
    mark_kept,
    module_statements,
    scan,
    without,
)
from otelbridge.migration_tool.findings import TODO_PREFIX, Finding
from otelbridge.migration_tool.state import DJANGO_ENTRIES_KEY
from otelbridge.migration_tool.transforms.base import LegacyTransform, literal

MIDDLEWARE_PATH = "django_opentracing.OpenTracingMiddleware"
APP_PATH = "django_opentracing"
RULE = "integration"
_TRACINGS = ("OPENTRACING_TRACING", "OPENTRACING_TRACER")
_TRACE_ALL = "OPENTRACING_TRACE_ALL"
_TRACED = "OPENTRACING_TRACED_ATTRIBUTES"
#: settings that only steer django_opentracing itself: they go with it
_DROPPED = (_TRACE_ALL, _TRACED, "OPENTRACING_SET_GLOBAL_TRACER")
_GLOBAL_TRACERS = ("opentracing.tracer", "opentracing.global_tracer")
STARTED_NOTE = (
    f"pip install {PACKAGE}: DjangoInstrumentor().instrument() replaces the OpenTracing "
    "middleware, called where the process starts: {}"
)
UNSTARTED_NOTE = (
    f"pip install {PACKAGE} and call DjangoInstrumentor().instrument() where the process starts, "
    "once DJANGO_SETTINGS_MODULE is set (manage.py, wsgi.py, asgi.py): it replaces the "
    "OpenTracing middleware and reads these settings, so it cannot run in them"
)
TRACED_NOTE = (
    "the request attributes the OpenTracing middleware recorded as tags ({}) are not recorded: set "
    "OTEL_PYTHON_DJANGO_TRACED_REQUEST_ATTRS={} where the process starts"
)


@dataclasses.dataclass
class DjangoTracingSettings:
    """A settings module's django_opentracing set-up, found by :func:`read`."""

    scan: SettingsScan
    #: the ``OPENTRACING_*`` statements, which go
    settings: list[cst.SimpleStatementLine]
    #: ``OPENTRACING_TRACED_ATTRIBUTES``
    traced: list[str]


def read(module: cst.Module) -> Union[DjangoTracingSettings, str, None]:
    """The django_opentracing set-up of ``module``; ``None`` if it has none, or why it cannot be
    migrated."""
    found = scan(module, MIDDLEWARE_PATH, APP_PATH, lambda name: name.startswith("OPENTRACING"))
    if not isinstance(found, SettingsScan):
        return found
    traced: list[str] = []
    for name, statements in found.settings.items():
        small = statements[0].body[0]
        value = small.value if isinstance(small, (cst.Assign, cst.AnnAssign)) else None
        if len(statements) > 1 or value is None:
            return f"{name} is bound more than once"
        if name == _TRACE_ALL and literal(value) is not True:
            return (
                f"only decorated views were traced ({name} is not True): DjangoInstrumentor "
                "traces every request"
            )
        if name == _TRACED:
            elements = value.elements if isinstance(value, (cst.List, cst.Tuple)) else None
            traced = [literal(e.value) for e in elements or ()]  # type: ignore[misc]
            if elements is None or not all(isinstance(t, str) for t in traced):
                return f"{name} is not a literal list of request attributes"
        elif name in _TRACINGS:
            why = _tracing_blocker(module, value)
            if why:
                return why
        elif name not in _DROPPED:
            return f"{name} has no OpenTelemetry equivalent here"
    statements = [s for group in found.settings.values() for s in group]
    return DjangoTracingSettings(found, statements, traced)


def _tracing_blocker(module: cst.Module, value: cst.BaseExpression) -> str:
    """Why ``DjangoTracing(tracer)`` cannot go: its tracer is not the global tracer nor a jaeger
    set-up that converts to ``configure()`` (which then records every span)."""
    name = get_full_name_for_node(value.func) if isinstance(value, cst.Call) else None
    if name is None or name.rsplit(".", 1)[-1] not in ("DjangoTracing", "DjangoTracer"):
        return "the tracing setting is not a DjangoTracing(...) call"
    assert isinstance(value, cst.Call)
    if not value.args:
        return ""
    given = value.args[0].value
    if len(value.args) == 1 and value.args[0].keyword is None and _converts(module, given):
        return ""
    return "the tracer given is not one the migration converts (a vendor's tracer?)"


def _converts(module: cst.Module, given: cst.BaseExpression) -> bool:
    """Whether ``given`` is the global tracer or a jaeger tracer made in the module."""
    target = given.func if isinstance(given, cst.Call) else given
    if get_full_name_for_node(target) in _GLOBAL_TRACERS:
        return True
    if isinstance(given, cst.Call):
        func = given.func
        return isinstance(func, cst.Attribute) and func.attr.value == "initialize_tracer"
    if not isinstance(given, cst.Name):
        return False
    bound = [
        small.value
        for small in (s.body[0] for s in module_statements(module.body))
        if isinstance(small, cst.Assign)
        and any(given.deep_equals(t.target) for t in small.targets)
    ]
    return len(bound) == 1 and not isinstance(bound[0], cst.Name) and _converts(module, bound[0])


def approved(transform: LegacyTransform) -> Optional[list[str]]:
    """The start-up files the project pre-pass gave the instrumentation for this settings
    module, relative to it (``None``: it did not take the module, or there is no project).
    OpenCensus' Django set-up asks it too."""
    entries = transform.state.context.scratch.get(DJANGO_ENTRIES_KEY)
    if entries is None:
        return None
    here = os.path.dirname(os.path.abspath(transform.state.context.filename or "."))
    return [os.path.relpath(entry, here) for entry in entries]


def removes_setting(transform: LegacyTransform, statement: cst.CSTNode) -> bool:
    """Whether :class:`DjangoTracingSetup` removes ``statement`` from this module, a settings
    module it migrates (``OPENTRACING_TRACING = DjangoTracing(config.initialize_tracer())``
    goes, while the jaeger ``Config`` it reads becomes ``configure()``)."""
    if approved(transform) is None:
        return False
    found = read(transform.state.wrapper.module)
    return isinstance(found, DjangoTracingSettings) and statement in found.settings


class DjangoTracingSetup(LegacyTransform):
    DESCRIPTION = "django_opentracing's settings to DjangoInstrumentor."

    def visit_Module(self, node: cst.Module) -> None:
        self._plan: Optional[DjangoTracingSettings] = None
        self._notes: list[cst.EmptyLine] = []
        if not self.spells(APP_PATH):
            return
        found = read(node)
        if isinstance(found, str):
            mark_kept(self.state, node, MIDDLEWARE_PATH, RULE, found)
            return
        entries = approved(self)
        if found is None or entries is None:
            return
        self._plan = found
        where = self.state.position(found.scan.anchor())
        notes = [STARTED_NOTE.format(", ".join(entries)) if entries else UNSTARTED_NOTE]
        if found.traced:
            notes.append(TRACED_NOTE.format(", ".join(found.traced), ",".join(found.traced)))
        for note in notes:
            self.state.findings.append(Finding(RULE + "-note", note, *where))
        self._notes = [
            cst.EmptyLine(indent=True, comment=cst.Comment(TODO_PREFIX + note)) for note in notes
        ]

    def leave_SimpleStatementLine(
        self, original_node: cst.SimpleStatementLine, updated_node: cst.SimpleStatementLine
    ) -> Union[cst.BaseStatement, cst.RemovalSentinel]:
        plan = self._plan
        if plan is None:
            return updated_node
        if original_node in plan.scan.lists:  # nothing else rewrites a list of paths
            self.rewrote()
            kept = cst.ensure_type(
                without(original_node, plan.scan.lists[original_node]), cst.SimpleStatementLine
            )
            if original_node is plan.scan.anchor():  # the notes go above the first list
                kept = kept.with_changes(leading_lines=[*kept.leading_lines, *self._notes])
            return kept
        if original_node in plan.settings or original_node in plan.scan.additions:
            self.rewrote()
            return cst.RemovalSentinel.REMOVE
        return updated_node
