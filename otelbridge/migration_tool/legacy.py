"""Partial conversion: what stays OpenTracing so that a partly migrated file still runs.

A site the rewrite cannot convert is left as written and marked. Left alone, it would call the
OpenTracing API on objects the rest of the file turned into OpenTelemetry ones (an OpenTelemetry
tracer has no ``start_active_span``, its spans no ``log_kv``). So the objects such a site uses are
kept on OpenTracing too:

- every span, scope, span context or extracted context it uses is *frozen* at its origin (the
  ``start_span``/``start_active_span``/``active_span``/``extract`` that made it, see
  :meth:`LegacyModel.origins`): that call and every use of its result stay OpenTracing;
- a tracer variable it uses that holds the global tracer (``opentracing.global_tracer()``, a
  jaeger set-up, the no-op tracer) is replaced by ``opentracing.global_tracer()`` there, while
  the converted variable keeps serving the converted sites; a tracer expression that makes a
  tracer is frozen like a span;
- a tracer variable holding any other tracer (a ``MockTracer``, a tracer the code was handed: a
  parameter, an attribute set elsewhere, a name imported from the project) has no global stand-in:
  the variable is *held*, every read of it in the file frozen, and the symbol it reads is kept on
  OpenTracing for the whole project (``flows.py``), so the user's tracer keeps serving every site.

At run time the kept sites are served by otelbridge's bridge (``otelbridge run``,
``otelbridge.bridge.install()``), whose global OpenTracing tracer records into the same
OpenTelemetry provider and context: kept and converted spans share one trace.

Freezing can make new sites unconvertible (a converted call given a kept span), so the file is
migrated again, with the larger plan, until the plan stops growing.

Markers are the memory of a run: a statement that carries a ``TODO(otelbridge)`` marker (on one of
its lines or just above) is kept as it is by the next run, with the objects it uses, as if flagged
again. So a second run changes nothing, whatever the rest of the project has become meanwhile;
deleting a marker lets the codemod try that statement again.
"""

from __future__ import annotations

import dataclasses
from collections import deque
from typing import Iterable, Mapping, Optional, Sequence

import libcst as cst
from libcst.codemod import CodemodContext, ContextAwareTransformer
from libcst.metadata import MetadataWrapper, PositionProvider

from otelbridge.migration_tool.composite import apply_transforms
from otelbridge.migration_tool.engine.expr import from_cst
from otelbridge.migration_tool.engine.residue import MARK
from otelbridge.migration_tool.flow_rules import GlobalStandInRules
from otelbridge.migration_tool.flows import kept_sinks
from otelbridge.migration_tool.mock_tracers import TEST_NOTES
from otelbridge.migration_tool.model import CONVERTIBLE, Kind, LegacyModel, is_variable
from otelbridge.migration_tool.names import GLOBAL_STAND_INS
from otelbridge.migration_tool.state import (
    DJANGO_ENTRIES_KEY,
    PROJECT_KEY,
    SEMCONV_KEY,
    SOURCE_KEY,
    Flag,
    MigrationState,
    Unconvertible,
)
from otelbridge.migration_tool.transforms.span_methods import (
    LATE_KIND,
    ONE_ARGUMENT,
    SPREAD_FIELDS,
)

#: ``context.scratch`` key: the :class:`Plan` a traversal follows.
PLAN_KEY = "otelbridge.legacy"
#: Rules whose sites are converted all the same (the marker asks for a check, not for a fix).
ADVISORY = frozenset(
    {"trace-id", "setup-settings", "double", "guarded", "hook", *TEST_NOTES}
    | {LATE_KIND, ONE_ARGUMENT, SPREAD_FIELDS}
)
#: Rules of the OpenCensus transforms: their kept sites stay OpenCensus, not OpenTracing.
OPENCENSUS_RULES = "opencensus"
#: Each pass can only grow the plan; a file that needs more passes is left unchanged.
MAX_PASSES = 6
#: The rule of the flags standing for statements an earlier run marked.
PREVIOUS = "previous"


@dataclasses.dataclass(frozen=True)
class Plan:
    """What to keep on OpenTracing in one file."""

    #: origins kept on OpenTracing (the model reports them and their uses as ``LEGACY``)
    frozen: frozenset[cst.CSTNode] = frozenset()
    #: tracer variables, at kept sites, to replace by the OpenTracing global tracer
    swaps: frozenset[cst.CSTNode] = frozenset()
    #: every site flagged so far: markers carried into the next pass
    flags: tuple[Flag, ...] = ()
    #: frozen origins inside a flagged site or another origin: that one's marker explains them
    explained: frozenset[cst.CSTNode] = frozenset()
    #: statements an earlier run marked (kept as they are)
    previous: frozenset[cst.CSTNode] = frozenset()
    #: reads of tracer variables kept whole (no global stand-in), also in ``frozen``
    held: frozenset[cst.CSTNode] = frozenset()
    #: each frozen origin's cause: the statement of the flagged site whose uses first reached
    #: it (its marker quotes that statement)
    causes: Mapping[cst.CSTNode, cst.CSTNode] = dataclasses.field(default_factory=dict)


def migrate_module(
    context: CodemodContext,
    tree: cst.Module,
    kinds: Sequence[type[ContextAwareTransformer]],
    source: Optional[str] = None,
) -> cst.Module:
    """``apply_transforms``, repeated with a growing :class:`Plan` until it is stable.
    ``source``, the text ``tree`` was parsed from, saves generating it again."""
    wrapper = MetadataWrapper(tree, unsafe_skip_copy=True)  # one scope analysis for every pass
    plan = previously_marked(wrapper, source)
    for _ in range(MAX_PASSES):
        scratch = {
            PLAN_KEY: plan,
            PROJECT_KEY: context.scratch.get(PROJECT_KEY),
            SEMCONV_KEY: context.scratch.get(SEMCONV_KEY),
            DJANGO_ENTRIES_KEY: context.scratch.get(DJANGO_ENTRIES_KEY),
            SOURCE_KEY: source,
        }
        attempt = dataclasses.replace(context, scratch=scratch, warnings=[])
        result = apply_transforms(attempt, tree, kinds, wrapper)
        state = MigrationState.of(attempt)
        grown = extend(plan, state.model, [*state.flags, *kept_sinks(state)])
        if (grown.frozen, grown.swaps) == (plan.frozen, plan.swaps):
            context.scratch.update(attempt.scratch)
            context.warnings.extend(attempt.warnings)
            return result
        plan = grown
    raise Unconvertible("partial conversion did not settle: migrate this file by hand")


def extend(plan: Plan, model: LegacyModel, flags: Iterable[Flag]) -> Plan:
    """The plan grown by the sites flagged in a traversal (and by what it freezes in turn)."""
    known = set(plan.flags)
    new = [flag for flag in flags if flag not in known]
    frozen, swaps, explained = set(plan.frozen), set(plan.swaps), set(plan.explained)
    held, causes = set(plan.held), dict(plan.causes)
    # (site, the flagged site it was reached from), first in first out: an origin's cause is
    # the first flagged site in the file's order that reaches it
    work: deque[tuple[cst.CSTNode, cst.CSTNode]] = deque(
        (f.node, f.statement or f.node)
        for f in (*plan.flags, *new)
        if f.rule not in ADVISORY and not f.rule.startswith(OPENCENSUS_RULES)
    )
    work.extend((origin, causes.get(origin, origin)) for origin in plan.frozen)
    done: set[cst.CSTNode] = set()
    while work:
        site, cause = work.popleft()
        if site in done:
            continue
        done.add(site)
        uses = _legacy_uses(model, site)
        inside = set(uses)
        for expr in uses:
            tracer = model.kind(expr) is Kind.TRACER and is_variable(expr)
            if tracer:
                if has_global_stand_in(model, expr):  # never a MockTracer: it has no stand-in
                    swaps.add(expr)
                    continue
                reads = model.variable_reads(expr) - frozen
                held |= reads
                frozen |= reads
                for read in reads:
                    causes[read] = cause
                    work.append((read, cause))
            # a mock from elsewhere (a fixture, a parameter) has no origin here: it is kept itself
            made = model.origins(expr) or ((expr,) if tracer else ())
            # a span or scope the caller gives: kept there too (a tracer is held, above)
            for origin in (*made, *model.received(expr)):
                if origin is not site and origin in inside:
                    explained.add(origin)
                if origin not in frozen:
                    frozen.add(origin)
                    causes[origin] = cause
                    work.append((origin, cause))
    return Plan(
        frozenset(frozen),
        frozenset(swaps),
        (*plan.flags, *new),
        frozenset(explained),
        plan.previous,
        frozenset(held),
        causes,
    )


def has_global_stand_in(model: LegacyModel, tracer: cst.BaseExpression) -> bool:
    """Whether every tracer the variable ``tracer`` can hold is one the OpenTracing global tracer
    stands in for at a kept site (see ``names.GLOBAL_STAND_INS``): made in this file, or a
    parameter that every call site of the project fills with such a tracer, each argument known
    (anything else the index cannot follow as far: no)."""
    for origin in model.origins(tracer):
        made = origin.func if isinstance(origin, cst.Call) else origin
        if origin not in model.from_project and not model.qualified_names(made) & GLOBAL_STAND_INS:
            return False
    if model.seen_whole(tracer):
        return bool(model.origins(tracer))
    if model.project is None:
        return False
    index, module = model.project
    key = index.symbol_for(module, model.qualname(tracer), from_cst(tracer))
    if key is None or key[0] != "param":
        return False
    filled = index.under(GlobalStandInRules()).filled_with(key)
    return bool(filled) and all(kind == Kind.TRACER.value for kind in filled)


def previously_marked(wrapper: MetadataWrapper, source: Optional[str] = None) -> Plan:
    """The plan that keeps what an earlier run marked: each marked simple statement, and the
    header (with items, tests, loop iterables) of each marked compound statement."""
    code = wrapper.module.code if source is None else source
    lines = code.splitlines() if MARK in code else []
    if not lines:
        return Plan()
    marked = {n for n, line in enumerate(lines, 1) if MARK in line}
    positions = wrapper.resolve(PositionProvider)
    flags: list[Flag] = []
    statements: set[cst.CSTNode] = set()
    for node in positions:
        if isinstance(node, cst.SimpleStatementLine):
            parts: Sequence[cst.CSTNode] = [node]
        elif isinstance(node, cst.With):
            parts = [item.item for item in node.items]
        elif isinstance(node, (cst.If, cst.While)):
            parts = [node.test]
        elif isinstance(node, cst.For):
            parts = [node.iter]
        else:
            continue
        for part in parts:
            span = positions[part]
            if marked & set(range(span.start.line - 1, span.end.line + 1)):
                flags.append(Flag(node, part, PREVIOUS, ""))
                statements.add(node)
    return Plan(flags=tuple(flags), previous=frozenset(statements))


def _legacy_uses(model: LegacyModel, site: cst.CSTNode) -> list[cst.BaseExpression]:
    uses = _Uses(model)
    site.visit(uses)
    return uses.found


#: What a kept site may use: unknown too, as a name bound to a span in one block and to
#: something not yet seen in another is unknown to the transforms.
_USES = CONVERTIBLE | {Kind.UNKNOWN}


class _Uses(cst.CSTVisitor):
    """The OpenTracing objects a site reads (not assignment targets, attribute or keyword names)."""

    def __init__(self, model: LegacyModel) -> None:
        super().__init__()
        self._model = model
        self.found: list[cst.BaseExpression] = []

    def on_visit(self, node: cst.CSTNode) -> bool:
        if isinstance(node, cst.BaseExpression) and self._model.kind(node) in _USES:
            self.found.append(node)
        if isinstance(node, (cst.Attribute, cst.Arg)):
            node.value.visit(self)
            return False
        if isinstance(node, (cst.AnnAssign, cst.AugAssign)):
            if node.value is not None:
                node.value.visit(self)
            return False
        return not isinstance(node, (cst.AssignTarget, cst.AsName, cst.Param))
