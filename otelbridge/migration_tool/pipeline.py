"""Migrate one module's source: pre-filter, one parse, the composed transforms, a re-parse check."""

from __future__ import annotations

import ast
import os
from dataclasses import dataclass, field
from typing import Optional, Sequence

import libcst as cst
from libcst.codemod import CodemodCommand, CodemodContext, ContextAwareTransformer

from otelbridge.migration_tool import active_scopes, django_entry, patched_mocks
from otelbridge.migration_tool.double_plan import plan
from otelbridge.migration_tool.engine.index import ProjectIndex, SymbolKey, build
from otelbridge.migration_tool.engine.residue import Site, mark
from otelbridge.migration_tool.findings import Finding
from otelbridge.migration_tool.flow_rules import OpenTracingRules
from otelbridge.migration_tool.flows import kept_symbols
from otelbridge.migration_tool.legacy import migrate_module
from otelbridge.migration_tool.model import CONVERTIBLE, SPANS
from otelbridge.migration_tool.names import OPENCENSUS, OPENTRACING
from otelbridge.migration_tool.opencensus import OPENCENSUS_TRANSFORMS
from otelbridge.migration_tool.opencensus.project_modules import owned_by_project
from otelbridge.migration_tool.prefilter import is_candidate, may_trace, mentions_opencensus
from otelbridge.migration_tool.state import (
    DJANGO_ENTRIES_KEY,
    PROJECT_KEY,
    SEMCONV_KEY,
    STATE_KEY,
    MigrationState,
    Unconvertible,
)
from otelbridge.migration_tool.transforms import django_tracing
from otelbridge.migration_tool.transforms.annotations import TypeHints
from otelbridge.migration_tool.transforms.assertions import NoneAssertions
from otelbridge.migration_tool.transforms.child_spans import ChildSpans
from otelbridge.migration_tool.transforms.django_tracing import DjangoTracingSetup
from otelbridge.migration_tool.transforms.django_views import DjangoViewTracing
from otelbridge.migration_tool.transforms.escapes import Escapes
from otelbridge.migration_tool.transforms.flask_views import FlaskViews
from otelbridge.migration_tool.transforms.grpc_interceptors import GrpcInterceptors
from otelbridge.migration_tool.transforms.integrations import FrameworkIntegrations
from otelbridge.migration_tool.transforms.kept import KeptSites
from otelbridge.migration_tool.transforms.local_span import LocalSpans
from otelbridge.migration_tool.transforms.mocktracer import MockTracing
from otelbridge.migration_tool.transforms.patched_tracer import PatchedGlobalTracer
from otelbridge.migration_tool.transforms.propagation import Propagation
from otelbridge.migration_tool.transforms.pyramid_tweens import PyramidTweens
from otelbridge.migration_tool.transforms.recorded import RecordedSpans
from otelbridge.migration_tool.transforms.request_context import RequestContext
from otelbridge.migration_tool.transforms.requirements import Requirements
from otelbridge.migration_tool.transforms.setup import TracerSetup
from otelbridge.migration_tool.transforms.span_methods import SpanMethods
from otelbridge.migration_tool.transforms.spans import SpanCreation
from otelbridge.migration_tool.transforms.stack_context import StackContexts
from otelbridge.migration_tool.transforms.stored_scopes import StoredScopes
from otelbridge.migration_tool.transforms.tags import TagConstants
from otelbridge.migration_tool.transforms.tornado_settings import TornadoSettings
from otelbridge.migration_tool.transforms.tracer import TracerAccess
from otelbridge.semconv import ENV as SEMCONV_ENV
from otelbridge.semconv import MODES as SEMCONV_MODES

#: Order matters only where two transforms see the same node: tag constants become strings first,
#: so that span creation reads ``span.kind`` tags whichever way they were written.
OPENTRACING_TRANSFORMS: Sequence[type[ContextAwareTransformer]] = (
    FlaskViews,  # first: it tells the model which get_span() calls give the current span
    DjangoViewTracing,  # first too, for the same reason
    StoredScopes,  # first: it tells the model the kind of the scopes read back from objects
    TagConstants,
    TracerAccess,
    SpanCreation,
    ChildSpans,
    SpanMethods,
    TypeHints,
    Propagation,
    RequestContext,
    LocalSpans,
    StackContexts,
    TracerSetup,
    GrpcInterceptors,  # before FrameworkIntegrations asks its plan: visits run in this order
    FrameworkIntegrations,
    PyramidTweens,
    TornadoSettings,
    DjangoTracingSetup,  # after FrameworkIntegrations: it removes what that one leaves
    Requirements,
    MockTracing,
    PatchedGlobalTracer,
    RecordedSpans,
    NoneAssertions,
    Escapes,
    KeptSites,
)


class OpenTracingToOpenTelemetry(CodemodCommand):
    """Every OpenTracing transform, composed (usable from ``python -m libcst.tool codemod``)."""

    DESCRIPTION = "Rewrite OpenTracing (and jaeger-client set-up) to the OpenTelemetry API."

    def transform_module(self, tree: cst.Module) -> cst.Module:
        return self.transform_module_impl(tree)

    def transform_module_impl(self, tree: cst.Module) -> cst.Module:
        return migrate_module(self.context, tree, OPENTRACING_TRANSFORMS)


@dataclass
class Migration:
    """The result of migrating one source text."""

    code: str
    rewrites: int = 0
    findings: list[Finding] = field(default_factory=list)
    #: set when the file was left unchanged for a reason that is an error (output did not parse)
    error: str = ""
    #: lines of ``code`` that still use the legacy API (each marked, where a marker can go)
    remaining: list[Site] = field(default_factory=list)
    #: project symbols this file keeps on OpenTracing (``flows.py``), for the other files
    kept: set[SymbolKey] = field(default_factory=set)

    @property
    def changed(self) -> bool:
        return self.rewrites > 0 or bool(self.findings)


def migrate_source(
    source: str,
    filename: str = "<string>",
    project: Optional[ProjectIndex] = None,
    semconv: Optional[str] = None,
) -> Migration:
    """Rewrite ``source``; raises ``libcst.ParserSyntaxError`` for input that does not parse.

    ``semconv`` chooses the attribute names written for OpenTracing tags (``otelbridge.semconv``):
    ``"opentracing"``, the names the bridge records by default, or ``"stable"``; unset, the
    ``OTELBRIDGE_SEMCONV`` setting decides, as it does for the bridge.

    With the ``project`` index (:func:`index_project`), what the file gets from other modules of
    the project has its kind. Whatever the transforms leave of the legacy API is marked
    (``engine/residue.py``): nothing is left silently.
    """
    pristine, source = source, prepared(source, filename, project)
    if not is_candidate(source, filename, project):
        # a module the pre-pass alone rewrote (a test double removed) is done
        return (
            Migration(pristine)
            if source == pristine
            else _residue(filename, project, Migration(source, 1))
        )
    tree = cst.parse_module(source)
    context = CodemodContext(filename=filename)
    context.scratch[SEMCONV_KEY] = semconv_mode(semconv)
    module = project.module_at(filename) if project is not None else None
    if module is not None:
        context.scratch[PROJECT_KEY] = (project, module)
    if project is not None and os.path.abspath(filename) in project.django_entries:
        context.scratch[DJANGO_ENTRIES_KEY] = project.django_entries[os.path.abspath(filename)]
    kinds = OPENTRACING_TRANSFORMS
    if mentions_opencensus(source):  # one pass for files that mix both APIs
        kinds = (*OPENTRACING_TRANSFORMS[:-1], *OPENCENSUS_TRANSFORMS, OPENTRACING_TRANSFORMS[-1])
    try:
        result = migrate_module(context, tree, kinds, source)
    except Unconvertible as exc:
        finding = Finding("unconvertible", str(exc), 1, 0)
        return _residue(
            filename, project, Migration(pristine, findings=[finding], kept=_everything(context))
        )
    state = MigrationState.of(context)
    del context.scratch[STATE_KEY]
    code = result.code
    if code == pristine:
        return _residue(
            filename, project, Migration(pristine, 0, state.findings, kept=kept_symbols(state))
        )
    try:
        compile(code, filename, "exec", ast.PyCF_ONLY_AST, dont_inherit=True)
    except SyntaxError as exc:  # a transform bug: keep the file as it was
        return Migration(
            pristine,
            error=f"rewritten code did not parse ({exc.msg}, line {exc.lineno}): reverted",
            kept=_everything(context),
        )
    findings = [*state.findings, *_inferred(state)]
    return _residue(
        filename, project, Migration(code, state.rewrites, findings, kept=kept_symbols(state))
    )


def semconv_mode(given: Optional[str] = None) -> str:
    """``given``, else ``OTELBRIDGE_SEMCONV``, else the OpenTracing names; raises ValueError."""
    mode = (given or os.environ.get(SEMCONV_ENV, "") or SEMCONV_MODES[0]).strip().lower()
    if mode not in SEMCONV_MODES:
        raise ValueError(f"semconv {mode!r} is not one of {', '.join(SEMCONV_MODES)}")
    return mode


def _everything(context: CodemodContext) -> set[SymbolKey]:
    """A file left as it was keeps every symbol it shares on OpenTracing."""
    project = context.scratch.get(PROJECT_KEY)
    return set() if project is None else project[0].symbols_of(project[1])


def _inferred(state: MigrationState) -> list[Finding]:
    """What the report says of objects whose kind came from their use alone (once each)."""
    found = []
    for node, kind in state.model.inferred.values():
        if kind not in CONVERTIBLE:
            continue
        line, column = state.position(node)
        rule = "unknown-" + ("span" if kind in SPANS else kind.value.replace(" ", "-"))
        found.append(
            Finding(
                rule,
                f"OpenTracing {kind.value} of unknown origin (nothing in the project passes or "
                "sets it): its kind was inferred from its use and it was converted, so callers "
                f"must now give an OpenTelemetry {kind.value}",
                line,
                column,
            )
        )
    return found


def _residue(filename: str, project: Optional[ProjectIndex], migration: Migration) -> Migration:
    """``migration`` with every remaining legacy site marked (markers only add comments, or a
    line of docstring text: the result still parses)."""
    migration.remaining = []
    own = owned_by_project(filename, project)
    for vocabulary in (OPENTRACING, OPENCENSUS):
        if vocabulary.mentioned_in(migration.code):
            residue = mark(migration.code, vocabulary, own)
            migration.code = residue.text
            migration.remaining.extend(residue.sites)
    migration.remaining.sort(key=lambda site: site.line)
    return migration


def index_project(sources: dict[str, str]) -> ProjectIndex:
    """The whole-project index of the candidate files among ``sources`` (path -> text), after
    the pre-passes: the uses of recording test doubles rewritten (``double_plan.py``), mocks
    made in a global-tracer patch named (``patched_mocks.py``), active scopes read as active
    spans (``active_scopes.py``), Django's instrumentation started (``django_entry.py``)."""
    prepared = plan(sources)
    sources = {**sources, **prepared.rewritten}
    named = patched_mocks.plan(sources)
    sources = {**sources, **named}
    spelled = active_scopes.plan(sources)
    sources = {**sources, **spelled}
    started, entries = django_entry.plan(sources)
    sources = {**sources, **started}
    candidates = [path for path, text in sources.items() if may_trace(text)]
    index = build(candidates, sources, OpenTracingRules())
    rewritten = {**prepared.rewritten, **named, **spelled, **started}
    index.rewritten = {os.path.abspath(p): text for p, text in rewritten.items()}
    index.django_entries = entries
    index.django_views = any(
        django_tracing.MIDDLEWARE_PATH in text
        for path, text in sources.items()
        if os.path.abspath(path) in entries
    )
    return index


def prepared(source: str, filename: str, project: Optional[ProjectIndex]) -> str:
    """The text the migration of ``filename`` starts from (see :func:`index_project`)."""
    if project is None or not project.rewritten:
        return source
    return project.rewritten.get(os.path.abspath(filename), source)
