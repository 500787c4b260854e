"""tornado_opentracing's application settings, once its ``init_tracing()`` is TornadoInstrumentor.

tornado_opentracing is set up by ``tornado_opentracing.init_tracing()`` (which patches Tornado;
``integrations.py`` replaces it by ``TornadoInstrumentor().instrument()``) and configured by the
application's settings: ``tornado.web.Application(handlers, opentracing_tracing=
TornadoTracing(tracer), opentracing_trace_all=True, opentracing_traced_attributes=[...])``. The
instrumentor traces every request and every ``AsyncHTTPClient`` call, which are the settings'
defaults (``trace_all`` and ``trace_client`` true), through the global provider: with the module's
``init_tracing()`` replaced and a tracer the migration converts, those settings go (the request
attributes they recorded are named in a note: the instrumentor has no setting for them). Any
other value (``opentracing_trace_all=False``, a ``start_span_cb``, a tracer callable) leaves them
as written, and the tracer they are given on OpenTracing (marked by ``escapes.py``).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Optional

import libcst as cst
from libcst.codemod import CodemodContext

from otelbridge.migration_tool.findings import TODO_PREFIX, Finding
from otelbridge.migration_tool.transforms.base import LegacyTransform, arg, literal, planned
from otelbridge.migration_tool.transforms.integration_args import converted_tracer
from otelbridge.migration_tool.walk import walk

INIT = "tornado_opentracing.init_tracing"
TRACING = "tornado_opentracing.TornadoTracing"
APPLICATION = "tornado.web.Application"
PREFIX = "opentracing_"
#: settings the instrumentor's behaviour matches only with a literal True (their default)
TRUE_ONLY = ("opentracing_trace_all", "opentracing_trace_client")
TRACED = "opentracing_traced_attributes"
PLAN_KEY = "otelbridge.tornado_settings"
NOTE = (
    "TornadoInstrumentor (init_tracing() above) traces every request and AsyncHTTPClient call "
    "through the global provider: tornado_opentracing's settings went"
)
TRACED_NOTE = "; the request attributes they recorded as tags ({}) are not recorded"


@dataclass
class SettingsPlan:
    #: ``tornado.web.Application(...)`` calls whose tornado_opentracing settings go -> the note
    applications: dict[cst.Call, str] = field(default_factory=dict)
    #: the ``TornadoTracing(tracer)`` calls that go with them (their tracer is not handed on)
    tracings: set[cst.Call] = field(default_factory=set)


def plan_of(transform: LegacyTransform) -> SettingsPlan:
    return planned(transform, PLAN_KEY, SettingsPlan)


class TornadoSettings(LegacyTransform):
    DESCRIPTION = "tornado_opentracing's application settings, replaced by TornadoInstrumentor."

    def __init__(self, context: CodemodContext) -> None:
        super().__init__(context)
        #: the notes of the statement being left
        self._notes: list[str] = []

    def visit_Module(self, node: cst.Module) -> None:
        plan = self.state.context.scratch[PLAN_KEY] = SettingsPlan()
        if not self.spells("tornado_opentracing") or not self._initialized(node):
            return
        for found in walk(node):
            if not isinstance(found, cst.Call):
                continue
            if APPLICATION in self.model.qualified_names(found.func):
                note = self._note(found, plan)
                if note is not None:
                    plan.applications[found] = note

    def _initialized(self, module: cst.Module) -> bool:
        """Whether the module calls ``init_tracing()`` as a statement of its own (replaced)."""
        return any(
            isinstance(line, cst.SimpleStatementLine)
            and isinstance(line.body[0], cst.Expr)
            and isinstance(call := line.body[0].value, cst.Call)
            and not call.args
            and INIT in self.model.qualified_names(call.func)
            for line in module.body
        )

    def _note(self, call: cst.Call, plan: SettingsPlan) -> Optional[str]:
        """The note for an application whose settings all go; None if one must stay."""
        settings = [a for a in call.args if a.keyword and a.keyword.value.startswith(PREFIX)]
        if not settings or any(a.star for a in call.args):
            return None
        tracings = []
        traced: list[str] = []
        for setting in settings:
            name = setting.keyword.value if setting.keyword else ""
            value = setting.value
            if name in TRUE_ONLY and literal(value) is not True:
                return None
            if name == TRACED:
                if not isinstance(value, cst.List):
                    return None
                names = [literal(element.value) for element in value.elements]
                if not all(isinstance(n, str) for n in names):
                    return None
                traced = [str(n) for n in names]
            elif name == "opentracing_tracing":
                if not (
                    isinstance(value, cst.Call)
                    and TRACING in self.model.qualified_names(value.func)
                    and len(value.args) <= 1
                    and converted_tracer(self, arg(value, "tracer", 0))
                ):
                    return None
                tracings.append(value)
            elif name not in TRUE_ONLY:
                return None  # a tracer callable, a start_span_cb: no equivalent to write
        plan.tracings.update(tracings)
        return NOTE + (TRACED_NOTE.format(", ".join(traced)) if traced else "")

    def leave_Call(self, original_node: cst.Call, updated_node: cst.Call) -> cst.BaseExpression:
        note = plan_of(self).applications.get(original_node)
        if note is None:
            return updated_node
        self.rewrote()
        self.state.findings.append(
            Finding("integration-note", note, *self.state.position(original_node))
        )
        self._notes.append(note)
        kept = [
            new
            for old, new in zip(original_node.args, updated_node.args)
            if not (old.keyword and old.keyword.value.startswith(PREFIX))
        ]
        if kept:
            kept[-1] = kept[-1].with_changes(comma=updated_node.args[-1].comma)
        return updated_node.with_changes(args=kept)

    def leave_SimpleStatementLine(
        self, original_node: cst.SimpleStatementLine, updated_node: cst.SimpleStatementLine
    ) -> cst.SimpleStatementLine:
        if not self._notes:
            return updated_node
        comments = [
            cst.EmptyLine(indent=True, comment=cst.Comment(TODO_PREFIX + n)) for n in self._notes
        ]
        self._notes = []
        return updated_node.with_changes(leading_lines=[*updated_node.leading_lines, *comments])
