"""Views using django_opentracing's tracing object → the OpenTelemetry API.

Once the project's django_opentracing settings are migrated (``django_tracing.py``: the
``OPENTRACING_TRACING`` setting goes, ``DjangoInstrumentor`` traces every request), a view's
``tracing.get_span(request)`` becomes ``trace.get_current_span()`` (the instrumentor's request
span is current in the view), ``tracing.tracer`` becomes ``trace.get_tracer(__name__)``, its
``@tracing.trace(...)`` decorators go (with a note naming the request attributes they recorded)
and so does ``tracing = settings.OPENTRACING_TRACING`` (and ``from django.conf import settings``
when the module reads nothing else of the settings). What is read is decided by
``django_views.read``, which the project pre-pass asked before taking the settings. A read kept on
OpenTracing by a partial conversion becomes the OpenTracing global tracer (its active span for
``get_span()``): what the bridge serves, a no-op tracer without it.
"""

from __future__ import annotations

from typing import Optional, Union

import libcst as cst
from libcst.codemod import CodemodContext

from otelbridge.migration_tool import django_views
from otelbridge.migration_tool.findings import TODO_PREFIX, Finding
from otelbridge.migration_tool.imports import bound_items
from otelbridge.migration_tool.model import Kind
from otelbridge.migration_tool.prefilter import OPENTRACING_SETTINGS
from otelbridge.migration_tool.transforms.base import LegacyTransform

#: the import the views read the settings through
SETTINGS_IMPORT = ("django.conf", "settings")
ATTRIBUTES_NOTE = (
    "the request attributes this decorator recorded as tags ({}) are not recorded: set "
    "OTEL_PYTHON_DJANGO_TRACED_REQUEST_ATTRS={} where the process starts"
)


class DjangoViewTracing(LegacyTransform):
    DESCRIPTION = "Views using django_opentracing's tracing object to the OpenTelemetry API."

    def __init__(self, context: CodemodContext) -> None:
        super().__init__(context)
        self._reads: Optional[django_views.ViewsReads] = None

    def visit_Module(self, node: cst.Module) -> None:
        self._reads = None
        project = self.model.project
        if project is None or not project[0].django_views or not self.spells(OPENTRACING_SETTINGS):
            return
        found = django_views.read(self.state.wrapper)
        if not isinstance(found, django_views.ViewsReads):
            return
        self._reads = found
        for statement in node.body:  # ``settings`` may be read for nothing else: then it goes
            small = statement.body[0] if isinstance(statement, cst.SimpleStatementLine) else None
            if isinstance(small, cst.ImportFrom):
                items = bound_items(small)
                self.state.legacy_imports.extend(i for i in items if i[:2] == SETTINGS_IMPORT)
        for call in found.spans:
            self.model.assume(call, Kind.CURRENT_SPAN)  # before any transform asks
        for attribute in found.tracers:
            self.model.assume(attribute, Kind.TRACER)

    def leave_Call(self, original_node: cst.Call, updated_node: cst.Call) -> cst.BaseExpression:
        if self._reads is None or original_node not in self._reads.spans:
            return updated_node
        self.rewrote()
        if self.kept(original_node):
            tracer = self.otel(original_node, "opentracing", "global_tracer")
            return cst.Attribute(cst.Call(cst.Name(tracer)), cst.Name("active_span"))
        return self.expr(original_node, "{trace}.get_current_span()")

    def leave_Attribute(
        self, original_node: cst.Attribute, updated_node: cst.Attribute
    ) -> cst.BaseExpression:
        if self._reads is None or original_node not in self._reads.tracers:
            return updated_node
        self.rewrote()
        if self.kept(original_node):
            return cst.Call(cst.Name(self.otel(original_node, "opentracing", "global_tracer")))
        return self.expr(original_node, "{trace}.get_tracer(__name__)")

    def leave_Decorator(
        self, original_node: cst.Decorator, updated_node: cst.Decorator
    ) -> Union[cst.Decorator, cst.RemovalSentinel]:
        if self._reads is None or original_node not in self._reads.decorators:
            return updated_node
        self.rewrote()
        return cst.RemovalSentinel.REMOVE

    def leave_FunctionDef(
        self, original_node: cst.FunctionDef, updated_node: cst.FunctionDef
    ) -> cst.FunctionDef:
        """A view whose decorator recorded request attributes: a note above it."""
        if self._reads is None:
            return updated_node
        notes = []
        for decorator in original_node.decorators:
            attributes = self._reads.decorators.get(decorator)
            if attributes:
                note = ATTRIBUTES_NOTE.format(", ".join(attributes), ",".join(attributes))
                where = self.state.position(decorator)
                self.state.findings.append(Finding("integration-note", note, *where))
                notes.append(cst.EmptyLine(indent=True, comment=cst.Comment(TODO_PREFIX + note)))
        if not notes:
            return updated_node
        return updated_node.with_changes(leading_lines=[*updated_node.leading_lines, *notes])

    def leave_SimpleStatementLine(
        self, original_node: cst.SimpleStatementLine, updated_node: cst.SimpleStatementLine
    ) -> Union[cst.SimpleStatementLine, cst.RemovalSentinel]:
        if self._reads is not None and original_node in self._reads.aliases:
            self.rewrote()
            return cst.RemovalSentinel.REMOVE
        return updated_node
