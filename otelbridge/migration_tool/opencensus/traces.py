"""OpenCensus traces -> the OpenTelemetry API, on the decisions of :mod:`.analysis`.

Converted: ``Tracer(...)`` and ``execution_context.get_opencensus_tracer()`` (tracers),
``with tracer.span(name)``, ``start_span()``/``end_span()`` pairs (one ``with
start_as_current_span`` block), ``span.add_attribute``/``add_annotation``/``set_status``, the
``name``/``status``/``span_kind`` stores (kind moves to the start call), the current span, and
``add_attribute_to_current_span``. Everything else that names OpenCensus is marked and stays on
OpenCensus, where the OpenCensus shim serves it from the same provider and context.
"""

from __future__ import annotations

import ast
from typing import Callable, Iterator, Mapping, Optional, Sequence, TypeVar, Union, cast

import libcst as cst
from libcst.codemod import CodemodContext
from libcst.metadata import (
    Assignment,
    FunctionScope,
    GlobalScope,
    ImportAssignment,
    ParentNodeProvider,
)

from otelbridge.migration_tool.bindings import bound_values
from otelbridge.migration_tool.findings import TODO_PREFIX, Finding
from otelbridge.migration_tool.opencensus import events
from otelbridge.migration_tool.opencensus.analysis import (
    Analysis,
    Group,
    ModuleFacts,
    Pair,
    Suite,
    is_imported,
)
from otelbridge.migration_tool.opencensus.context_attrs import context_attrs
from otelbridge.migration_tool.opencensus.gauges import Gauges
from otelbridge.migration_tool.opencensus.handoffs import END, TOKEN_KEY, statement_of
from otelbridge.migration_tool.opencensus.header_values import header_value
from otelbridge.migration_tool.opencensus.integrations import Integrations
from otelbridge.migration_tool.opencensus.names import (
    ATTRIBUTE_TABLES,
    GET_ATTR,
    GET_CURRENT_SPAN,
    GET_TRACER,
    IS_EXPORTER,
    ROOT,
    ROUTES,
    SET_ATTR,
    SET_IS_EXPORTER,
    SPAN,
    SPAN_ONLY_METHODS,
    TRACE_EXPORTERS,
    TRACER,
    TRACER_CLASS,
    TRACER_ONLY_METHODS,
    canonical,
)
from otelbridge.migration_tool.opencensus.open_spans import OpenSpan
from otelbridge.migration_tool.opencensus.project import project_stats
from otelbridge.migration_tool.opencensus.project_attrs import project_attrs
from otelbridge.migration_tool.opencensus.project_modules import module_paths, project_module
from otelbridge.migration_tool.opencensus.remote_parent import bound_propagator
from otelbridge.migration_tool.opencensus.setup import Setup, SetupMapper, configure_call, packages
from otelbridge.migration_tool.opencensus.span_parameters import PassedParameter, passed_parameter
from otelbridge.migration_tool.opencensus.stack_traces import EVENT, traceback_of
from otelbridge.migration_tool.opencensus.stats import Stats
from otelbridge.migration_tool.opencensus.status import Mapped, map_status
from otelbridge.migration_tool.transforms.arguments import free_name
from otelbridge.migration_tool.transforms.base import (
    NOT_ATTRIBUTE_VALUES,
    LegacyTransform,
    arg,
    has_star_args,
    literal,
    sole_assignment,
    str_of,
)
from otelbridge.migration_tool.walk import walk

#: Rules of OpenCensus findings (the OpenTracing partial-conversion plan ignores them).
KEPT_RULE = "opencensus-kept"
NOTE_RULE = "opencensus-note"
#: Two set-ups of a module whose exporters differ: one configure() exports to both.
MERGED = (
    "OpenCensus exported each tracer's spans to its own exporter; OpenTelemetry has one tracer "
    "provider, so this module's set-ups are one configure() and every span goes to each exporter"
)
#: Two set-ups of a module that differ in more than their exporters.
CONFLICT = (
    "another configure() of this module sets tracing up differently: OpenTelemetry has one tracer "
    "provider, so the later call replaces the earlier one's sampler and exporters; merge the two"
)
KEPT = "kept on OpenCensus (served by the otelbridge OpenCensus shim): "
IN_FUNCTION_NOTE = (
    "configure() now runs where this Tracer was made: call that function once per process "
    "(at start-up, not per request)"
)
PROCESSOR_REASON = (
    "its telemetry processor has no automatic OpenTelemetry equivalent (only one setting "
    "envelope.tags['ai.cloud.role'] maps, to service.name): enrich spans in a SpanProcessor's "
    "on_start, or drop them with a sampler"
)
IDLE_NOTE = (
    "this Tracer starts no span: its settings are not moved into the application's configure()"
)
PROJECT_RULE = "opencensus-project-module"
PROJECT_NOTE = (
    "imports this project's own {} (its package in the opencensus namespace, not OpenCensus' "
    "API): nothing to migrate"
)
#: builds the replacement from (original, updated): names are chosen on the original
_Rewrite = Callable[[cst.Call, cst.Call], cst.BaseExpression]
_STATEMENTS = (cst.SimpleStatementLine, cst.BaseCompoundStatement)
_SuiteT = TypeVar("_SuiteT", cst.Module, cst.IndentedBlock)


class OpenCensusTraces(LegacyTransform):
    DESCRIPTION = "OpenCensus traces to the OpenTelemetry API."

    def __init__(self, context: CodemodContext) -> None:
        super().__init__(context)
        #: expressions rewritten: calls, and attribute-name subscripts
        self._calls: dict[cst.BaseExpression, _Rewrite] = {}
        #: original statements rewritten in place, and removed
        self._statements: dict[
            cst.CSTNode, Callable[[cst.SimpleStatementLine], cst.SimpleStatementLine]
        ] = {}
        self._removed: set[cst.CSTNode] = set()
        #: module-level statements after (or before) which configure() goes
        self._after: dict[cst.CSTNode, list[cst.SimpleStatementLine]] = {}
        self._before: dict[cst.CSTNode, list[cst.SimpleStatementLine]] = {}
        #: subtrees the rewrite drops: OpenCensus names inside them need no marker
        self._dropped: set[cst.CSTNode] = set()
        #: parameters and arguments that leave their function or call
        self._dropped_nodes: set[cst.CSTNode] = set()
        self._parents: Mapping[cst.CSTNode, cst.CSTNode] = {}
        self._kept: set[cst.CSTNode] = set()
        #: the project index's module names -> paths (see ``_own``), read on first use
        self._indexed: Optional[dict[str, list[str]]] = None
        self._owners: dict[str, Optional[str]] = {}
        #: the tracing configure() lines placed: (where, the list holding it, the line)
        self._configures: list[
            tuple[cst.CSTNode, list[cst.SimpleStatementLine], cst.SimpleStatementLine]
        ] = []

    def names(self, node: cst.CSTNode) -> set[str]:
        """The qualified names of ``node``, with OpenCensus' older and re-exported names also
        under the names the mapping tables use."""
        return canonical(self.model.qualified_names(node))

    # -- planning, on the original tree -----------------------------------------------------
    def visit_Module(self, node: cst.Module) -> None:
        scopes = self.scopes
        self._first = node.body[0] if node.body else None
        self._header = {line.comment.value for line in node.header if line.comment is not None}
        self._parents = self.state.wrapper.resolve(ParentNodeProvider)
        names = self.names
        facts = ModuleFacts(node, scopes, self._parents, names)
        self._setup = self.setup_mapper = SetupMapper(facts, self._exported)
        self.analysis = Analysis(facts, self._setup.blocker, self._exported)
        self._integrations = Integrations(self, names)
        for candidate in _walk_calls(node):
            self._plan_call(candidate)
        for subscript in walk(node):
            if isinstance(subscript, cst.Subscript):
                self._plan_attribute_name(subscript)
        for group in self.analysis.groups.values():
            self._plan_group(group)
        for call, which in self.analysis.handoffs.items():
            self._plan_handoff(call, which)
        self._integrations.plan(node)
        self._stats_reason = ""
        self._plan_stats(node)
        self._gauges_reason = ""
        Gauges(self, names).plan(node)
        self._plan_context_attrs(node)
        self._plan_header_values(node)
        self._plan_propagators(node)
        self._mark_leftovers(node)

    def _plan_header_values(self, module: cst.Module) -> None:
        """``header = propagator.to_header(<current tracer>.span_context)`` -> the value our
        propagator of the same format writes into a carrier (:mod:`.header_values`)."""
        for statement in walk(module):
            if not isinstance(statement, cst.SimpleStatementLine) or self._is_dropped(statement):
                continue
            found = header_value(statement, self.scopes, self._parents, self.names)
            if found is None:
                continue
            carrier = free_name(self, statement, found.target.value + "_carrier")
            local = self.otel(statement, found.module, found.cls)
            made = cst.Assign([cst.AssignTarget(cst.Name(carrier))], cst.Dict([]))
            read = f'{carrier}.get("{found.header}", "")'
            lines = [
                statement.with_changes(body=[made]),
                cst.SimpleStatementLine([cst.Expr(cst.parse_expression(f"{local}().inject({carrier})"))]),
                cst.SimpleStatementLine(
                    [cst.Assign([cst.AssignTarget(found.target)], cst.parse_expression(read))]
                ),
            ]
            self.replace_statement(statement, lines)

    def _plan_propagators(self, module: cst.Module) -> None:
        """``propagator = TraceContextPropagator()`` goes once every read of it went (its
        ``to_headers``/``from_headers`` calls became ``propagate.inject``/``extract``)."""
        for statement in walk(module):
            small = sole_assignment(statement)
            if small is None or not isinstance(small.value, cst.Call):
                continue
            target = small.targets[0].target
            scope = self.scopes.get(target)
            if not isinstance(target, cst.Name) or scope is None:
                continue
            if bound_propagator(target, self.scopes, self._parents, self.names) is None:
                continue
            if isinstance(scope, GlobalScope) and self._exported(target.value):
                continue  # another module imports it
            reads = [
                access.node
                for assignment in scope.assignments[target.value]
                for access in assignment.references
            ]
            if all(self._is_dropped(read) for read in reads):
                self.replace_statement(statement, [])

    def _exported(self, name: str) -> bool:
        """Whether another module of the project imports ``name`` from this one (unknown, so
        yes, without a project)."""
        if self.model.project is None:
            return True
        index, module = self.model.project
        return project_stats(index).exported(module.path, name)

    def _plan_stats(self, module: cst.Module) -> None:
        """This module's stats, with the measures it shares with other project modules."""
        if self.model.project is None:
            Stats(self, self.names).plan(self, module, lambda: "")
            return
        project = project_stats(self.model.project[0])
        path = self.model.project[1].path
        stats = Stats(self, self.names, project.lookup(path))
        stats.plan(self, module, lambda: project.unit_blocker(path))

    def enclosing_statement(self, node: cst.CSTNode) -> cst.CSTNode:
        """The innermost statement (a line or a compound statement's header) holding ``node``."""
        return self._statement(node)

    def imported_elsewhere(self, name: str) -> bool:
        """Whether another module of the project imports ``name`` from this one (no: a file
        migrated alone, as its stats assume)."""
        return self.model.project is not None and self._exported(name)

    def note_gauges_kept(self, reason: str) -> None:
        """The module's gauges stay OpenCensus: the leftover markers give ``reason``."""
        self._gauges_reason = reason

    def _plan_call(self, call: cst.Call) -> None:
        """Conversions that do not depend on a group's fate."""
        func = call.func
        called = self.names(func)
        if isinstance(func, cst.Attribute):
            method = func.attr.value
            if method == "add_attribute_to_current_span" and not has_star_args(call):
                self._dropped.add(func)
                self._calls[call] = self._current_attribute
            elif method == "current_span" and not call.args and self.analysis.is_tracer(func.value):
                self._current_span(call)
            elif method in ("add_attribute", "add_annotation", "set_status") and (
                self._direct_span(func.value)
            ):
                self._plan_span_call(call, method)
            elif method == "span" and self._in_place_tracer_span(call):
                self._plan_with_span(call)
        if GET_CURRENT_SPAN in called and not call.args:
            self._current_span(call)
        if TRACER_CLASS in called and isinstance(self._parents.get(call), cst.Expr):
            self._plan_discarded_tracer(call)
        if IS_EXPORTER in called and not call.args:
            self._dropped.add(call)
            self._calls[call] = self._is_exporter
        elif SET_IS_EXPORTER in called and len(call.args) == 1 and not call.args[0].star:
            self._dropped.add(call.func)
            self._calls[call] = self._set_is_exporter

    def _plan_discarded_tracer(self, call: cst.Call) -> None:
        """A ``Tracer(...)`` statement whose value is dropped: OpenCensus' constructor makes it
        the current tracer, so it is the program's set-up; it becomes ``configure(...)``, in
        the function that made it when its values are local there."""
        reason = self._setup.blocker(call, in_place=True)
        setup = self._setup.setups.get(call)
        if not reason and setup is not None and not setup.moved:
            reason = "; ".join(setup.notes)
        if reason or setup is None:
            self.keep(call, f"this Tracer(...) set-up stays OpenCensus: {reason}")
            return
        self._dropped.add(call)
        if setup.anchor is None and isinstance(self.scopes.get(call), FunctionScope):
            setup.notes.append(IN_FUNCTION_NOTE)
        statement = self._statement(call)
        above = statement.leading_lines if isinstance(statement, cst.SimpleStatementLine) else ()
        self.place_configure(call, setup, above)
        self.replace_statement(statement, [])

    def _plan_context_attrs(self, module: cst.Module) -> None:
        """OpenCensus' context attributes: all of the module's, or none (see
        :mod:`.context_attrs`)."""
        found: Union[dict[cst.Call, str], str] = context_attrs(module, self._parents, self.names)
        if found and self.model.project is not None:
            index, this = self.model.project
            found = project_attrs(index).blocker(this.path) or found
        if isinstance(found, str):
            return self._keep_context_attrs(module, found)
        for call in found:
            self._dropped.add(call.func)
            self._calls[call] = self._context_attr

    def _keep_context_attrs(self, module: cst.Module, reason: str) -> None:
        for node in walk(module):
            if isinstance(node, cst.Call) and self.names(node.func) & {GET_ATTR, SET_ATTR}:
                self.keep(node, f"its context attributes stay OpenCensus: {reason}")

    def _in_place_tracer_span(self, call: cst.Call) -> bool:
        """``with execution_context.get_opencensus_tracer().span(...):`` (no ``as``: no group
        holds the span, nothing else can use it)."""
        item = self._parents.get(call)
        func = call.func
        receiver = func.value if isinstance(func, cst.Attribute) else None
        return (
            isinstance(item, cst.WithItem)
            and item.asname is None
            and isinstance(receiver, cst.Call)
            and not receiver.args
            and GET_TRACER in self.names(receiver.func)
        )

    def _plan_attribute_name(self, node: cst.Subscript) -> None:
        """``attributes_helper.COMMON_ATTRIBUTES['HTTP_URL']`` -> ``"http.url"``."""
        tables = [ATTRIBUTE_TABLES[n] for n in self.names(node.value) if n in ATTRIBUTE_TABLES]
        if not tables or len(node.slice) != 1:
            return
        index = node.slice[0].slice
        key = literal(index.value) if isinstance(index, cst.Index) else None
        if isinstance(key, str) and key in tables[0]:
            self._dropped.add(node)
            name = self.string(tables[0][key])
            self._calls[node] = lambda original, updated: name.with_changes(
                lpar=updated.lpar, rpar=updated.rpar
            )

    def _current_span(self, call: cst.Call) -> None:
        """The current span, converted when what uses it converts too: its group, or the one
        span method called on it right there."""
        group = self._assigned_group(call)
        if group.ok if group is not None else self._direct_use_converts(call):
            self._dropped.add(call)
            self._calls[call] = lambda original, updated: self.expr(
                original, "{trace}.get_current_span()"
            )

    def _direct_use_converts(self, call: cst.Call) -> bool:
        parent = self._parents.get(call)
        above = self._parents.get(parent) if isinstance(parent, cst.Attribute) else None
        if not (isinstance(above, cst.Call) and above.func is parent):
            return False
        method = cast(cst.Attribute, parent).attr.value  # the attribute called, as checked
        if method in ("add_attribute", "add_annotation"):
            return True
        return (
            method == "set_status"
            and len(above.args) == 1
            and map_status(above.args[0].value, self.names) is not None
        )

    def _direct_span(self, node: cst.BaseExpression) -> bool:
        """The current span, read right there: ``get_current_span().add_attribute(...)``."""
        if not isinstance(node, cst.Call) or node.args or self._assigned_group(node):
            return False
        func = node.func
        if isinstance(func, cst.Attribute) and func.attr.value == "current_span":
            return self.analysis.is_tracer(func.value)
        return GET_CURRENT_SPAN in self.names(func)

    def _assigned_group(self, call: cst.Call) -> Optional[Group]:
        parent = self._parents.get(call)
        if isinstance(parent, cst.Assign) and len(parent.targets) == 1:
            target = parent.targets[0].target
            if isinstance(target, cst.Name):
                return self.analysis.target_group(target)
        return None

    def _plan_group(self, group: Group) -> None:
        parameter = self.analysis.parameters.get(group)
        # ``execution_context.get_opencensus_tracer()`` given to a helper's tracer parameter
        given = [
            a
            for a in (parameter.arguments if parameter is not None else ())
            if isinstance(a, cst.Call) and group.kind == TRACER and self.analysis.context_tracer(a)
        ]
        if not group.ok:
            reason = f"{group.name!r} stays OpenCensus: {group.reason}"
            for value in [*group.values, *given]:
                self.keep(value, reason)
                if group.kind == TRACER and TRACER_CLASS in self.names(cast(cst.Call, value).func):
                    for binding in self._setup.bindings_of(cast(cst.Call, value)):
                        self.keep(binding, reason)  # its exporter, made for it
            for use in group.uses:
                self.keep(use, reason)
            return
        for call in given:
            self._plan_context_tracer(call)
        for value in group.values:
            assert isinstance(value, cst.Call)
            if group.kind == TRACER:
                self._plan_tracer(value)
            elif isinstance(value.func, cst.Attribute) and value.func.attr.value == "span":
                self._plan_with_span(value)
        for use in group.uses:
            injection = self.analysis.injection(use) if group.kind == TRACER else None
            if injection is not None and injection not in self._removed:
                self._plan_injection(injection)
            parent = self._parents.get(use)
            above = self._parents.get(parent) if isinstance(parent, cst.Attribute) else None
            if isinstance(above, cst.Call) and above.func is parent:
                assert isinstance(parent, cst.Attribute)
                self._plan_use_call(group, above, parent.attr.value)
            elif isinstance(above, cst.AssignTarget):
                assert isinstance(parent, cst.Attribute)
                self._plan_store(parent.attr.value, self._parents[above])

    def _plan_injection(self, statement: cst.SimpleStatementLine) -> None:
        """``headers = tracer.propagator.to_headers(tracer.span_context)`` -> ``headers = {}``
        and ``propagate.inject(headers)`` (the current context, whose span the tracer's is)."""
        assign = statement.body[0]
        assert isinstance(assign, cst.Assign)
        carrier = assign.targets[0].target
        empty = statement.with_changes(body=[assign.with_changes(value=cst.Dict([]))])
        inject = self.expr(statement, "{propagate}.inject(CARRIER)", CARRIER=carrier)
        self.replace_statement(statement, [empty, cst.SimpleStatementLine([cst.Expr(inject)])])

    def _plan_tracer(self, value: cst.Call) -> None:
        self._dropped.add(value)
        self._calls[value] = lambda original, updated: self.expr(
            original, "{trace}.get_tracer(__name__)"
        )
        if TRACER_CLASS not in self.names(value.func):
            return
        setup = self._setup.setups[value]
        if setup.extract is not None:
            self._plan_extract(setup.extract)
        if setup.moved and self._starts_nothing(value):
            self.state.flag(value, NOTE_RULE, IDLE_NOTE, self._statement(value))
            return
        if setup.moved:
            self.place_configure(value, setup)
            return
        for note in setup.notes:
            self.state.flag(value, NOTE_RULE, note, self._statement(value))

    def _starts_nothing(self, value: cst.Call) -> bool:
        """Whether ``value`` is a function's ``tracer = Tracer(...)`` whose name is never read:
        its settings applied to no span, so they are no application-wide set-up (a health
        check's ``Tracer(sampler=AlwaysOffSampler())`` must not turn tracing off everywhere)."""
        assign = self._parents.get(value)
        if not isinstance(assign, cst.Assign) or len(assign.targets) != 1:
            return False
        name = assign.targets[0].target
        scope = self.scopes.get(name)
        if not isinstance(name, cst.Name) or not isinstance(scope, FunctionScope):
            return False
        bindings = [a for a in scope.assignments[name.value] if isinstance(a, Assignment)]
        return all(not binding.references for binding in bindings) and any(
            binding.node is name for binding in bindings
        )

    def _plan_extract(self, call: cst.Call) -> None:
        """``propagator.from_headers(h)`` -> ``propagate.extract(h)``: the caller's context."""
        self._dropped.add(call)
        self._calls[call] = lambda original, updated: self.expr(
            original, "{propagate}.extract(HEADERS)", HEADERS=updated.args[0].value
        )

    def place_configure(
        self, value: cst.Call, setup: Setup, leading: Sequence[cst.EmptyLine] = ()
    ) -> None:
        """The ``configure()`` a set-up call (``Tracer``, a middleware) moves to, with its notes,
        once per module for one configuration; ``leading``: the lines above the statement it
        replaces (blank lines, comments)."""
        statement = self._statement(value)
        self._removed.update(setup.bindings)  # their values are in configure() now
        self._dropped.update(setup.bindings)
        for parameter in setup.parameters:
            self.drop_parameter(parameter.param, parameter.arguments)
        line = cst.SimpleStatementLine([cst.Expr(configure_call(self, value, setup))])
        notes = setup.notes + [
            f"pip install {package} (the OpenTelemetry exporter that replaces this one)"
            for package in packages(self, setup)
        ]
        same = None if leading else self._configured_above(setup.anchor or statement, line)
        other = None if leading or same is not None else self._other_configure(statement, setup)
        if other is not None:
            merged = _with_exporters_of(other.body[0], line.body[0])
            if merged is None:
                notes = [*notes, CONFLICT]
            else:  # one pipeline for the module: every set-up's exporters in the one call
                same = self._replace_configure(other, other.with_changes(body=[merged]))
                notes = [*notes, MERGED]
        if same is not None:  # one call does it; this set-up's own notes join that call's
            present = {e.comment.value for e in same.leading_lines if e.comment is not None}
            notes = [note for note in notes if TODO_PREFIX + note not in present]
        where = self.state.position(value)
        for note in notes:
            self.state.findings.append(Finding(NOTE_RULE, note, *where))
        comments = [
            cst.EmptyLine(indent=True, comment=cst.Comment(TODO_PREFIX + note)) for note in notes
        ]
        if same is not None:
            self._add_comments(same, comments)
            return
        line = line.with_changes(leading_lines=[*leading, *comments])
        if setup.anchor is None:
            placed = self._before.setdefault(statement, [])
        else:
            placed = self._after.setdefault(setup.anchor, [])
        if not any(_same_code(line.body[0], other.body[0]) for other in placed):
            placed.append(line)
            self._configures.append((setup.anchor or statement, placed, line))

    def _configured_above(
        self, place: cst.CSTNode, line: cst.SimpleStatementLine
    ) -> Optional[cst.SimpleStatementLine]:
        """The same ``configure(...)`` placed at module level already, where ``place`` is too
        (a ``Tracer`` and a middleware given the same set-up): one call does it."""
        if not isinstance(self._parents.get(place), cst.Module):
            return None
        return next(
            (
                other
                for where, _, other in self._configures
                if isinstance(self._parents.get(where), cst.Module)
                and _same_code(line.body[0], other.body[0])
            ),
            None,
        )

    def _other_configure(
        self, statement: cst.CSTNode, setup: Setup
    ) -> Optional[cst.SimpleStatementLine]:
        """A module-level ``configure()`` placed already for another set-up, when this one's goes
        to module level too: the process has one tracer provider, so the two must be one call."""
        if not isinstance(self._parents.get(setup.anchor or statement), cst.Module):
            return None
        return next(
            (
                line
                for where, _, line in self._configures
                if isinstance(self._parents.get(where), cst.Module)
            ),
            None,
        )

    def _replace_configure(
        self, line: cst.SimpleStatementLine, replacement: cst.SimpleStatementLine
    ) -> cst.SimpleStatementLine:
        """``replacement`` where the placed ``configure()`` ``line`` was."""
        for index, (where, placed, other) in enumerate(self._configures):
            if other is line:
                placed[placed.index(line)] = replacement
                self._configures[index] = (where, placed, replacement)
        return replacement

    def _add_comments(self, line: cst.SimpleStatementLine, comments: list[cst.EmptyLine]) -> None:
        """``comments`` above a placed ``configure()`` line (kept where it is)."""
        if not comments:
            return
        for index, (where, placed, other) in enumerate(self._configures):
            if other is line:
                merged = line.with_changes(leading_lines=[*line.leading_lines, *comments])
                placed[placed.index(line)] = merged
                self._configures[index] = (where, placed, merged)
                return

    def configures_tracing(self) -> bool:
        """Whether a tracing set-up of this module moves to a ``configure()``."""
        return bool(self._configures)

    def place_stats(
        self, module: cst.Module, anchor: cst.CSTNode, keywords: list[cst.Arg], notes: list[str]
    ) -> None:
        """``configure(views=[...], metric_readers=[...])`` after ``anchor`` (module-level, or
        the end of a set-up function when the module configures no tracing), merged into the
        module's one tracing ``configure()`` if it has one: a process builds its MeterProvider
        once. The merged call goes at the later of the two places, so the views exist and the
        tracing settings' names are bound."""
        comments = [
            cst.EmptyLine(indent=True, comment=cst.Comment(TODO_PREFIX + note)) for note in notes
        ]
        if len(self._configures) != 1:
            name = self.otel(module, "otelbridge.sdk", "configure")
            call = cst.Call(cst.Name(name), keywords)
            self.insert_after(anchor, cst.SimpleStatementLine([cst.Expr(call)], comments))
            return
        place, placed, line = self._configures.pop()
        placed.remove(line)
        call = cst.ensure_type(cst.ensure_type(line.body[0], cst.Expr).value, cst.Call)
        merged = line.with_changes(
            body=[cst.Expr(call.with_changes(args=[*call.args, *keywords]))],
            leading_lines=[
                *line.leading_lines,
                *(c for c in comments if not any(c.deep_equals(o) for o in line.leading_lines)),
            ],
        )
        body: list[cst.CSTNode] = list(module.body)
        if place in body and body.index(place) > body.index(anchor):
            placed.append(merged)
        else:
            self.insert_after(anchor, merged)

    def _plan_with_span(self, value: cst.Call) -> None:
        """``tracer.span(name)`` in a ``with``: ``tracer.start_as_current_span(name, kind=)``."""
        assert isinstance(value.func, cst.Attribute)
        self._dropped.add(value.func.attr)
        receiver = value.func.value
        if isinstance(receiver, cst.Call) and GET_TRACER in self.names(receiver.func):
            # ``execution_context.get_opencensus_tracer().span(...)``: the tracer made in place
            self._plan_context_tracer(receiver)
        kind = self.analysis.kinds.get(value)
        self._calls[value] = lambda original, updated: self._start_call(original, updated, kind)

    def _plan_context_tracer(self, call: cst.Call) -> None:
        """``execution_context.get_opencensus_tracer()`` -> ``trace.get_tracer(__name__)``."""
        self._dropped.add(call)
        self._calls[call] = lambda original, updated: self.expr(
            original, "{trace}.get_tracer(__name__)"
        )

    def _start_call(
        self,
        original: cst.Call,
        updated: cst.Call,
        kind: Optional[str],
        method: str = "start_as_current_span",
    ) -> cst.Call:
        assert isinstance(updated.func, cst.Attribute)
        name = arg(updated, "name", 0)
        given = self.analysis.start_names.get(original) or (name.value if name else None)
        args = [cst.Arg(given if given is not None else self.string("span"))]
        parent = self.analysis.remote_parents.get(original)
        if parent is not None:
            args.append(cst.Arg(parent, keyword=cst.Name("context"), equal=_EQUAL))
        if kind is not None and kind != "UNSPECIFIED":
            kind_expr = self.expr(original, "{trace}.SpanKind." + kind)
            args.append(cst.Arg(kind_expr, keyword=cst.Name("kind"), equal=_EQUAL))
        return updated.with_changes(
            func=updated.func.with_changes(attr=cst.Name(method)), args=args
        )

    def _plan_use_call(self, group: Group, call: cst.Call, method: str) -> None:
        if group.kind == SPAN:
            self._plan_span_call(call, method)
            return
        if method == "span":
            self._plan_with_span(call)
        elif method in ("start_span", "end_span") and call in self.analysis.handoffs:
            pass  # planned with the module's other hand-offs
        elif method in ("start_span", "end_span") and call in self.analysis.open_spans:
            if method == "start_span":
                self._plan_open_span(self.analysis.open_spans[call])
        elif method in ("start_span", "end_span"):
            pair = self.analysis.pairs[call]
            if method == "start_span":
                self._dropped.add(call)
                self._plan_pair(pair)
        elif method == "trace_decorator":
            function = self._parents[self._parents[call]]
            assert isinstance(function, cst.FunctionDef) and isinstance(call.func, cst.Attribute)
            self._dropped.add(call.func.attr)
            name = self.string(function.name.value)  # OpenCensus names the span func.__name__
            self._calls[call] = lambda original, updated: _renamed(
                updated, "start_as_current_span", [cst.Arg(name)]
            )
        elif method == "finish":
            statement = self._statement(call)
            self._dropped.add(statement)
            self._removed.add(statement)

    def _plan_span_call(self, call: cst.Call, method: str) -> None:
        assert isinstance(call.func, cst.Attribute)
        if method == "add_attribute":
            self._dropped.add(call.func.attr)
            self._calls[call] = lambda original, updated: _renamed(
                updated, "set_attribute", _attribute_args(updated)
            )
        elif method == "add_annotation":
            self._dropped.add(call.func.attr)
            self._calls[call] = self._add_event
        elif method in ("add_message_event", "add_link"):
            build = events.mapping(method, call, self.names)
            assert build is not None
            self._dropped.add(call.args[0].value)
            self._calls[call] = lambda original, updated: _renamed(
                updated,
                "add_event" if method == "add_message_event" else "add_link",
                build(self.string, self.otel(original, "opentelemetry", "trace")),
            )
        elif method == "set_status":
            mapped = map_status(call.args[0].value, self.names)
            if mapped is not None:
                self._dropped.add(call.args[0].value)
                self._calls[call] = lambda original, updated: updated.with_changes(
                    args=[cst.Arg(self._status(original, mapped))]
                )

    def _plan_store(self, member: str, assign: cst.CSTNode) -> None:
        assert isinstance(assign, cst.Assign)
        statement = self._parents[assign]
        target = assign.targets[0].target
        assert isinstance(target, cst.Attribute)
        if statement in self.analysis.moved_stores:
            self._dropped.add(statement)
            self._removed.add(statement)
            return
        if member == "stack_trace":
            self._plan_stack_trace(statement, assign)
            return
        if member == "status":
            mapped = map_status(assign.value, self.names)
            assert mapped is not None
            self._dropped.add(assign.value)
            method, value = "set_status", lambda a: self._status(assign, mapped)
        else:
            method, value = "update_name", lambda a: a.value
        self._statements[statement] = lambda updated: _store_to_call(updated, method, value)

    def _plan_stack_trace(self, statement: cst.CSTNode, assign: cst.Assign) -> None:
        """``span.stack_trace = StackTrace.from_traceback(tb)`` -> an ``exception`` event
        (:mod:`.stack_traces`)."""
        traceback = traceback_of(assign.value, self.names)
        assert traceback is not None and isinstance(statement, cst.SimpleStatementLine)
        self._dropped.add(assign.value)
        span = cst.ensure_type(assign.targets[0].target, cst.Attribute).value
        format_tb: cst.BaseExpression = cst.parse_expression("traceback.format_tb")
        if not self._imports_traceback(span):
            format_tb = cst.Name(self.otel(statement, "traceback", "format_tb"))
        strings = {
            "NAME": self.string("exception"),
            "KEY": self.string("exception.stacktrace"),
            "EMPTY": self.string(""),
        }

        def event(updated: cst.SimpleStatementLine) -> cst.SimpleStatementLine:
            call = self.expr(
                statement, EVENT, SPAN=span, TB=traceback, FORMAT_TB=format_tb, **strings
            )
            return updated.with_changes(body=[cst.Expr(call)])

        self._statements[statement] = event

    def _imports_traceback(self, node: cst.CSTNode) -> bool:
        """Whether ``traceback`` names the standard module (only) where ``node`` is."""
        scope = self.model.scope(node)
        if scope is None or not scope["traceback"]:
            return False
        return all(isinstance(a, ImportAssignment) for a in scope["traceback"]) and {
            q.name for q in scope.get_qualified_names_for("traceback")
        } == {"traceback"}

    def _plan_pair(self, pair: Pair) -> None:
        """The suite is rebuilt in ``leave_IndentedBlock``/``leave_Module``."""
        self._dropped.add(pair.end_call)
        kind = self.analysis.kinds.get(pair.start_call)
        self._calls[pair.start_call] = lambda original, updated: self._start_call(
            original, updated, kind
        )

    def _plan_handoff(self, call: cst.Call, which: str) -> None:
        """A start whose detach token goes into the context, or the end that ends the current
        span and detaches the token it finds there (see :mod:`.handoffs`)."""
        statement = statement_of(call, self._parents)
        assert isinstance(call.func, cst.Attribute)
        receiver = call.func.value
        key = self.string(TOKEN_KEY)
        if which == END:
            end = self.expr(call, "{trace}.get_current_span().end()")
            detach = self.expr(
                call, "{otel_context}.detach({otel_context}.get_value(KEY))", KEY=key
            )
            assert isinstance(statement, cst.SimpleStatementLine)
            self.replace_statement(
                statement,
                [
                    cst.SimpleStatementLine([cst.Expr(end)], leading_lines=statement.leading_lines),
                    cst.SimpleStatementLine([cst.Expr(detach)]),
                ],
            )
            return
        self._dropped.add(call)
        kind = self.analysis.kinds.get(call)
        self._calls[call] = lambda original, updated: self._start_call(
            original, updated, kind, "start_span"
        )
        if isinstance(receiver, cst.Call):  # the context's tracer, read in place
            self._dropped.add(receiver)
            self._calls[receiver] = lambda original, updated: self.expr(
                original, "{trace}.get_tracer(__name__)"
            )
        template = (
            "{otel_context}.attach({otel_context}.set_value("
            "KEY, {otel_context}.attach({trace}.set_span_in_context(SPAN))))"
        )
        assign = self._parents[call]
        if isinstance(assign, cst.Assign):
            span = cst.ensure_type(assign.targets[0].target, cst.Name)
            token = cst.Name(free_name(self, call, span.value + "_token"))
            attach = self.expr(
                call, "{otel_context}.attach({trace}.set_span_in_context(SPAN))", SPAN=span
            )
            keep = self.expr(
                call,
                "{otel_context}.attach({otel_context}.set_value(KEY, TOKEN))",
                KEY=key,
                TOKEN=token,
            )
            token_line = cst.SimpleStatementLine([cst.Assign([cst.AssignTarget(token)], attach)])
            self.insert_after(statement, token_line)
            self.insert_after(statement, cst.SimpleStatementLine([cst.Expr(keep)]))
            return

        def wrapped(updated: cst.SimpleStatementLine) -> cst.SimpleStatementLine:
            started = cst.ensure_type(updated.body[0], cst.Expr).value
            return updated.with_changes(
                body=[cst.Expr(self.expr(call, template, KEY=key, SPAN=started))]
            )

        self._statements[statement] = wrapped

    def _plan_open_span(self, opened: OpenSpan) -> None:
        """``span = tracer.start_span(...)`` attached right after; the ``end_span()`` detaches it
        and ends it."""
        self._dropped.add(opened.start_call)
        kind = self.analysis.kinds.get(opened.start_call)
        self._calls[opened.start_call] = lambda original, updated: self._start_call(
            original, updated, kind, "start_span"
        )
        span, token = cst.Name(opened.span), cst.Name(opened.token)
        attach = self.expr(
            opened.start, "{otel_context}.attach({trace}.set_span_in_context(SPAN))", SPAN=span
        )
        self.insert_after(
            opened.start, cst.SimpleStatementLine([cst.Assign([cst.AssignTarget(token)], attach)])
        )
        detach = self.expr(opened.end, "{otel_context}.detach(TOKEN)", TOKEN=token)
        lines = [
            cst.SimpleStatementLine([cst.Expr(detach)], leading_lines=opened.end.leading_lines),
            cst.SimpleStatementLine([cst.Expr(cst.parse_expression(f"{opened.span}.end()"))]),
        ]
        self.replace_statement(opened.end, lines)

    def replace_statement(self, statement: cst.CSTNode, lines: Sequence[cst.CSTNode]) -> None:
        """``statement`` (in its statement list) becomes ``lines``."""
        self._dropped.add(statement)
        self._removed.add(statement)
        self._after.setdefault(statement, []).extend(lines)  # type: ignore[arg-type]  # hook defs too

    def drop_parameter(self, param: cst.Param, arguments: Sequence[cst.BaseExpression]) -> None:
        """``param`` leaves its function, and each of ``arguments`` (what every call gives
        it) leaves its call."""
        self._dropped_nodes.add(param)
        for argument in arguments:
            item = self._parents.get(argument)
            if isinstance(item, cst.Arg):
                self._dropped_nodes.add(item)
        self._dropped.update(self._dropped_nodes)

    def rewrite_call(
        self, call: cst.Call, build: Callable[[cst.Call, cst.Call], cst.BaseExpression]
    ) -> None:
        """``call`` becomes what ``build(original, updated)`` makes of it."""
        self._dropped.add(call)
        self._calls[call] = build

    def rewrite_string(self, string: cst.SimpleString, value: str) -> None:
        """``string`` becomes the literal ``value`` (its source text, quotes included)."""
        self._calls[string] = lambda original, updated: updated.with_changes(value=value)

    def insert_after(self, statement: cst.CSTNode, line: cst.SimpleStatementLine) -> None:
        self._after.setdefault(statement, []).append(line)

    def note_stats_kept(self, reason: str) -> None:
        """The module's stats stay OpenCensus: the leftover markers give ``reason``."""
        self._stats_reason = reason

    def bound_values(self, name: cst.Name) -> list[cst.BaseExpression]:
        """What every binding that reaches the load ``name`` binds (empty if one is unknown)."""
        return bound_values(self.scopes, self.analysis.bindings, name)

    def is_imported(self, name: cst.Name) -> bool:
        """Whether the load ``name`` reads an import (see :func:`.analysis.imported`)."""
        return is_imported(self.scopes, name)

    def passed_parameter(
        self, name: cst.Name, exported: Callable[[str], bool]
    ) -> Optional[PassedParameter]:
        """The parameter the load ``name`` reads, with what every call passes it."""
        return passed_parameter(name, self.scopes, self._parents, exported)

    # -- what stays OpenCensus: markers -----------------------------------------------------
    def keep(self, node: cst.CSTNode, reason: str) -> None:
        """Keep the statement of ``node`` on OpenCensus, marked with ``reason`` (once: its first
        reason is the one that matters, so a planner that refuses a statement says why first)."""
        if self._is_dropped(node):
            return
        statement = self._statement(node)
        if statement in self._kept:
            return
        self._kept.add(statement)
        if statement is self._first and TODO_PREFIX + KEPT + reason in self._header:
            # A marker above the first statement is read back as the module's header comment.
            self.state.findings.append(
                Finding(KEPT_RULE, KEPT + reason, *self.state.position(node))
            )
            return
        self.state.flag(node, KEPT_RULE, KEPT + reason, statement)

    def kept_marker(self, node: cst.CSTNode, reason: str) -> cst.EmptyLine:
        """The marker line for a statement made in place of ``node``'s that keeps OpenCensus
        (its finding reported at ``node``)."""
        self.state.findings.append(Finding(KEPT_RULE, KEPT + reason, *self.state.position(node)))
        return cst.EmptyLine(indent=True, comment=cst.Comment(TODO_PREFIX + KEPT + reason))

    def _is_dropped(self, node: cst.CSTNode) -> bool:
        current: Optional[cst.CSTNode] = node
        while current is not None:
            if current in self._dropped:
                return True
            current = self._parents.get(current)
        return False

    def _statement(self, node: cst.CSTNode) -> cst.CSTNode:
        while not isinstance(node, _STATEMENTS):
            node = self._parents[node]
        return node

    def _mark_leftovers(self, module: cst.Module) -> None:
        """Every OpenCensus name or OpenCensus-only method the rewrite leaves in place."""
        self._mark_processors(module)
        for node in _walk_loads(module):
            if isinstance(node, cst.Call):
                func = node.func
                if (
                    isinstance(func, cst.Attribute)
                    and func.attr.value in TRACER_ONLY_METHODS | SPAN_ONLY_METHODS
                    and node not in self._calls
                ):
                    self.keep(
                        node,
                        f".{func.attr.value}() on an object of unknown origin (a parameter or "
                        "attribute set elsewhere)",
                    )
                continue
            if isinstance(node, cst.Attribute) and isinstance(node.value, cst.Call):
                continue  # ``f().x`` is named after ``f``, which is looked at on its own
            names = {n for n in self.names(node) if self._is_opencensus(n)}
            parent = self._parents.get(node)
            if not names or (
                isinstance(parent, cst.Attribute)
                and parent.value is node
                and any(n.startswith(ROOT + ".") for n in self.names(parent))
            ):
                continue  # the outermost ``a.b.c`` speaks for its parts
            first = min(n for n in self.model.qualified_names(node) if self._is_opencensus(n))
            route = next((ROUTES[n] for n in sorted(names) if n in ROUTES), None)
            if self._stats_reason and first.startswith(("opencensus.stats.", "opencensus.tags.")):
                self.keep(node, f"this module's stats stay OpenCensus: {self._stats_reason}")
            elif self._gauges_reason and first.startswith("opencensus.metrics."):
                self.keep(node, f"this module's gauges stay OpenCensus: {self._gauges_reason}")
            elif route is not None:
                self.keep(node, f"{first} has no automatic mapping; use {route}")
            else:
                self.keep(node, f"{first} has no automatic OpenTelemetry mapping")
        self._mark_holders(module)
        for statement, imported in _imports(module):
            own = [a for a in imported if self._own_import(statement, a)]
            theirs = [a for a in imported if a not in own]
            used = self._still_used(theirs)
            if used:
                quoted = ", ".join(f"`{name}`" for name in used)
                self.keep(statement, f"{quoted} still used by code that stays on OpenCensus")
            elif own and self._still_used(own, or_unused=True):
                modules = sorted({self._own_import(statement, a) or "" for a in own})
                self.state.flag(
                    statement,
                    PROJECT_RULE,
                    PROJECT_NOTE.format(", ".join(f"`{m}`" for m in modules)),
                    self._statement(statement),
                )

    def _own(self, qualified: str) -> Optional[str]:
        """The project's own module ``qualified`` is in, if the project defines it (see
        :mod:`.project_modules`)."""
        if qualified in self._owners:
            return self._owners[qualified]
        if self._indexed is None:
            index = self.model.project[0] if self.model.project is not None else None
            self._indexed = module_paths(index)
        owner = project_module(self.context.filename or "", qualified, self._indexed)
        self._owners[qualified] = owner
        return owner

    def _own_import(
        self, statement: Union[cst.Import, cst.ImportFrom], alias: cst.ImportAlias
    ) -> Optional[str]:
        name = cst.helpers.get_full_name_for_node(alias.name) or ""
        if isinstance(statement, cst.ImportFrom):
            assert statement.module is not None  # _imports yields absolute imports only
            name = f"{cst.helpers.get_full_name_for_node(statement.module)}.{name}"
        return self._own(name)

    def _is_opencensus(self, qualified: str) -> bool:
        """A name of OpenCensus' API (not of a module the project defines in its namespace)."""
        return qualified.split(".")[0] == ROOT and self._own(qualified) is None

    def _mark_processors(self, module: cst.Module) -> None:
        """An exporter given a telemetry processor that is not a cloud-role one (those move
        into ``configure()``, :mod:`.cloud_role`) stays for that processor: say so on both."""
        for node in walk(module):
            func = node.func if isinstance(node, cst.Call) else None
            if not (
                isinstance(func, cst.Attribute)
                and func.attr.value == "add_telemetry_processor"
                and isinstance(func.value, cst.Name)
                and not self._is_dropped(node)
            ):
                continue
            made = [v for v in self.bound_values(func.value) if isinstance(v, cst.Call)]
            if not any(self.names(v.func) & TRACE_EXPORTERS.keys() for v in made):
                continue
            for where in (*made, node):
                self.keep(where, PROCESSOR_REASON)

    def _mark_holders(self, module: cst.Module) -> None:
        """Uses of variables holding OpenCensus objects (``stats = stats_module.stats`` ...
        ``stats.view_manager``), followed from binding to binding until nothing new is found."""
        converted = {
            target
            for group in self.analysis.groups.values()
            if group.ok
            for target in group.targets
        }
        bindings = [
            (target, value)
            for target, value in self.analysis.bindings.items()
            if target not in converted and not self._is_dropped(value) and not _is_truth(value)
        ]
        holders: set[cst.Name] = set()
        grown = True
        while grown:
            grown = False
            for target, value in bindings:
                if target not in holders and self._mentions(value, holders):
                    holders.add(target)
                    grown = True
        for node in _walk_loads(module):
            if isinstance(node, cst.Name) and self._binding_in(node, holders):
                self.keep(node, f"{node.value!r} holds an OpenCensus object")

    def _mentions(self, value: cst.BaseExpression, holders: set[cst.Name]) -> bool:
        for node in walk(value):
            if isinstance(node, cst.Name) and self._binding_in(node, holders):
                return True
            if isinstance(node, (cst.Name, cst.Attribute)) and any(
                self._is_opencensus(n) for n in self.names(node)
            ):
                return True
        return False

    def _binding_in(self, name: cst.Name, targets: set[cst.Name]) -> bool:
        scope = self.scopes.get(name)
        if scope is None or not targets:
            return False
        return any(
            isinstance(referent, Assignment) and referent.node in targets
            for access in scope.accesses[name.value]
            if access.node is name
            for referent in access.referents
        )

    def _still_used(self, imported: list[cst.ImportAlias], or_unused: bool = False) -> list[str]:
        """The names bound by ``imported`` that code the rewrite keeps uses (``or_unused``: and
        those used nowhere, re-exports that stay as they are), in import order."""
        return [
            alias.evaluated_alias or alias.evaluated_name
            for alias in imported
            if self._is_still_used(alias, or_unused)
        ]

    def _is_still_used(self, alias: cst.ImportAlias, or_unused: bool) -> bool:
        scope = self.scopes.get(alias)
        if scope is None:
            return True
        bound = (alias.evaluated_alias or alias.evaluated_name).split(".")[0]
        for assignment in scope.assignments[bound]:
            if not isinstance(assignment, ImportAssignment):
                continue
            if assignment.node is not self._parents[alias]:
                continue
            if any(not self._is_dropped(a.node) for a in assignment.references):
                return True
            if or_unused and not assignment.references:
                return True
        return False

    # -- rewriting, on the updated tree -----------------------------------------------------
    def leave_Call(self, original_node: cst.Call, updated_node: cst.Call) -> cst.BaseExpression:
        return self._rewritten(original_node, updated_node)

    def leave_Subscript(
        self, original_node: cst.Subscript, updated_node: cst.Subscript
    ) -> cst.BaseExpression:
        return self._rewritten(original_node, updated_node)

    def leave_SimpleString(
        self, original_node: cst.SimpleString, updated_node: cst.SimpleString
    ) -> cst.BaseExpression:
        return self._rewritten(original_node, updated_node)

    def leave_Param(
        self, original_node: cst.Param, updated_node: cst.Param
    ) -> Union[cst.Param, cst.RemovalSentinel]:
        if original_node in self._dropped_nodes:
            self.rewrote()
            return cst.RemoveFromParent()
        return updated_node

    def leave_Arg(
        self, original_node: cst.Arg, updated_node: cst.Arg
    ) -> Union[cst.Arg, cst.RemovalSentinel]:
        if original_node in self._dropped_nodes:
            self.rewrote()
            return cst.RemoveFromParent()
        return updated_node

    def _rewritten(
        self, original: cst.BaseExpression, updated: cst.BaseExpression
    ) -> cst.BaseExpression:
        rewrite = self._calls.get(original)
        if rewrite is None:
            return updated
        self.rewrote()
        # A rewrite is planned for one node and takes that node's type: a call's rewrite gets
        # calls, an attribute-name subscript's rewrite (which ignores its types) subscripts.
        return rewrite(original, updated)  # type: ignore[arg-type]  # see above

    def leave_SimpleStatementLine(
        self, original_node: cst.SimpleStatementLine, updated_node: cst.SimpleStatementLine
    ) -> cst.SimpleStatementLine:
        replace = self._statements.get(original_node)
        if replace is None:
            return updated_node
        self.rewrote()
        return replace(updated_node)

    def leave_IndentedBlock(
        self, original_node: cst.IndentedBlock, updated_node: cst.IndentedBlock
    ) -> cst.IndentedBlock:
        return self._leave_suite(original_node, updated_node)

    def leave_Module(self, original_node: cst.Module, updated_node: cst.Module) -> cst.Module:
        return self._leave_suite(original_node, updated_node)

    def _leave_suite(self, original: Suite, updated: _SuiteT) -> _SuiteT:
        """Statement-list edits: removals, ``start_span`` pairs to ``with`` blocks, configure()."""
        originals = list(original.body)
        if not any(
            o in self._removed or o in self._before or o in self._after for o in originals
        ) and not any(p.suite is original for p in self.analysis.pairs.values()):
            return updated
        if len(updated.body) != len(originals):  # another transform added or removed statements
            for pair in self.analysis.pairs.values():
                if pair.suite is original:
                    self.keep(pair.start_call, "its block was changed by another rewrite")
            return updated
        items: list[tuple[Optional[cst.CSTNode], Optional[cst.CSTNode]]] = [
            (o, None if o in self._removed else u) for o, u in zip(originals, updated.body)
        ]
        pairs = {p for p in self.analysis.pairs.values() if p.suite is original}
        for pair in sorted(pairs, key=lambda p: -p.start):  # last first: earlier indexes hold
            if pair.start_call not in self._calls:
                continue
            segment = [u for _, u in items[pair.start : pair.end + 1]]
            items[pair.start : pair.end + 1] = [(None, self._with_block(pair, segment))]
            self.rewrote()
        body: list[cst.CSTNode] = []
        orphans: list[cst.EmptyLine] = []  # comments of removed statements, for the next one
        for before, statement in items:
            inserted = list(self._before.get(before, ()))  # type: ignore[arg-type]  # None: no key
            if inserted and statement is not None:  # blank lines above stay above
                statement, inserted[0] = _blank_lines_moved(statement, inserted[0])
            emitted: list[cst.CSTNode] = list(inserted)
            if statement is not None:
                emitted.append(statement)
            else:
                self.rewrote()
                if before is not None:
                    if not orphans:  # the blank lines that set the first one apart, too
                        orphans.extend(_opening_blank_lines(before))
                    orphans.extend(_comments(before))
            emitted.extend(self._after.get(before, ()))  # type: ignore[arg-type]  # None: no key
            if orphans and emitted:  # unless a replacement carries them already
                carried = [c for e in emitted for c in getattr(e, "leading_lines", ())]
                if _opening_blank_lines(emitted[0]):  # it is set apart already
                    orphans = [c for c in orphans if c.comment is not None]
                left = [
                    c
                    for c in orphans
                    if c.comment is None or not any(c.deep_equals(o) for o in carried)
                ]
                emitted[0] = _with_comments_above(emitted[0], left)
                orphans = []
            body.extend(emitted)
        if not body:
            body.append(cst.SimpleStatementLine([cst.Pass()]))
        orphans = [c for c in orphans if c.comment is not None]  # the block's end: no gap
        if orphans:
            body[-1] = _with_comments_above(body[-1], orphans)  # stay in the block, just above
        return updated.with_changes(body=body)

    def _with_block(self, pair: Pair, statements: list[Optional[cst.CSTNode]]) -> cst.With:
        """``[s =] tracer.start_span(...)`` ... ``tracer.end_span()`` -> one ``with`` block."""
        first, *inner = statements
        assert isinstance(first, cst.SimpleStatementLine)  # the start_span() line
        small = cast("Union[cst.Assign, cst.Expr]", first.body[0])  # [s =] tracer.start_span()
        # LibCST types an ``as`` target narrower than Python does (``as self.span`` is valid)
        asname = cst.AsName(small.targets[0].target) if isinstance(small, cst.Assign) else None  # type: ignore[arg-type]  # see above
        last = inner.pop()
        if pair.in_finally:
            assert isinstance(last, cst.Try)  # its finally ends with the end_span()
            inner.extend(_without_final_statement(last))
        body = [cast(cst.BaseStatement, s) for s in inner if s is not None] or [
            cst.SimpleStatementLine([cst.Pass()])
        ]
        return cst.With(
            items=[cst.WithItem(small.value, asname=asname)],
            body=cst.IndentedBlock(body=body),
            leading_lines=first.leading_lines,
        )

    # -- builders -----------------------------------------------------------------------------
    def _current_attribute(self, original: cst.Call, updated: cst.Call) -> cst.BaseExpression:
        current = self.expr(original, "{trace}.get_current_span()")
        return cst.Call(
            cst.Attribute(current, cst.Name("set_attribute")),
            _attribute_args(updated),
            lpar=updated.lpar,
            rpar=updated.rpar,
        )

    def _is_exporter(self, original: cst.Call, updated: cst.Call) -> cst.BaseExpression:
        """``is_exporter()`` -> the suppress-instrumentation key, which OpenTelemetry exporters
        (and the bridge's ``set_is_exporter``) set; ``bool()`` unless it is tested right there."""
        read = "{otel_context}.get_value({otel_context}._SUPPRESS_INSTRUMENTATION_KEY)"
        parent = self._parents.get(original)
        tested = isinstance(parent, (cst.If, cst.While, cst.BooleanOperation)) or (
            isinstance(parent, cst.UnaryOperation) and isinstance(parent.operator, cst.Not)
        )
        return self.expr(original, read if tested else "bool(" + read + ")").with_changes(
            lpar=updated.lpar, rpar=updated.rpar
        )

    def _set_is_exporter(self, original: cst.Call, updated: cst.Call) -> cst.BaseExpression:
        """``set_is_exporter(flag)`` -> the flag set on the current context (attached: OpenCensus'
        flag stays set for the thread, with nothing to reset it)."""
        template = (
            "{otel_context}.attach({otel_context}.set_value("
            "{otel_context}._SUPPRESS_INSTRUMENTATION_KEY, FLAG))"
        )
        return self.expr(original, template, FLAG=updated.args[0].value).with_changes(
            lpar=updated.lpar, rpar=updated.rpar
        )

    def _context_attr(self, original: cst.Call, updated: cst.Call) -> cst.BaseExpression:
        """``get_opencensus_attr(k)`` (one argument, as checked) -> a value of the context;
        ``set_opencensus_attr(k, v)`` -> the value set on the context, attached."""
        values = dict(zip(("KEY", "VALUE"), (a.value for a in updated.args)))
        template = (
            "{otel_context}.attach({otel_context}.set_value(KEY, VALUE))"
            if "VALUE" in values
            else "{otel_context}.get_value(KEY)"
        )
        return self.expr(original, template, **values).with_changes(
            lpar=updated.lpar, rpar=updated.rpar
        )

    def _add_event(self, original: cst.Call, updated: cst.Call) -> cst.BaseExpression:
        description = arg(updated, "description", 0)
        rest = [a for a in updated.args if a is not description]
        args = [cst.Arg(description.value)] if description is not None else []
        if rest:
            elements: list[cst.BaseDictElement] = []
            for item in rest:
                if item.star == "**":
                    elements.append(cst.StarredDictElement(item.value))
                else:
                    assert item.keyword is not None
                    key = self.string(item.keyword.value)
                    elements.append(cst.DictElement(key, item.value))
            args.append(cst.Arg(cst.Dict(elements), keyword=cst.Name("attributes"), equal=_EQUAL))
        return _renamed(updated, "add_event", args)

    def _status(self, original: cst.CSTNode, mapped: Mapped) -> cst.BaseExpression:
        """The mapped status (its parts, a message or an exception, as written)."""
        template, nodes = mapped
        status = self.otel(original, "opentelemetry.trace", "Status")
        code = self.otel(original, "opentelemetry.trace", "StatusCode")
        filled = template.replace("{Status}", status).replace("{StatusCode}", code)
        return self.expr(original, filled, **nodes)


_EQUAL = cst.AssignEqual(
    whitespace_before=cst.SimpleWhitespace(""), whitespace_after=cst.SimpleWhitespace("")
)


def _renamed(call: cst.Call, method: str, args: Sequence[cst.Arg]) -> cst.Call:
    assert isinstance(call.func, cst.Attribute)
    return call.with_changes(func=call.func.with_changes(attr=cst.Name(method)), args=args)


def _attribute_args(call: cst.Call) -> list[cst.Arg]:
    """``(attribute_key=k, attribute_value=v)`` in any spelling -> ``(k, v)``, formatting kept."""
    key = arg(call, "attribute_key", 0)
    value = arg(call, "attribute_value", 1)
    assert key is not None and value is not None
    if isinstance(value.value, NOT_ATTRIBUTE_VALUES):  # the bridge records its str() too
        value = value.with_changes(value=str_of(value.value))
    return [
        key.with_changes(keyword=None, equal=cst.MaybeSentinel.DEFAULT),
        value.with_changes(
            keyword=None, equal=cst.MaybeSentinel.DEFAULT, comma=cst.MaybeSentinel.DEFAULT
        ),
    ]


def _store_to_call(
    statement: cst.CSTNode, method: str, value: Callable[[cst.Assign], cst.BaseExpression]
) -> cst.SimpleStatementLine:
    """``span.x = v`` -> ``span.<method>(v')``."""
    assert isinstance(statement, cst.SimpleStatementLine)
    assign = statement.body[0]
    assert isinstance(assign, cst.Assign)
    target = assign.targets[0].target
    assert isinstance(target, cst.Attribute)
    call = cst.Call(target.with_changes(attr=cst.Name(method)), [cst.Arg(value(assign))])
    return statement.with_changes(body=[cst.Expr(call)])


def _opening_blank_lines(statement: cst.CSTNode) -> list[cst.EmptyLine]:
    """The blank lines (no comment) that open ``statement``'s leading lines."""
    lines = list(getattr(statement, "leading_lines", ()))
    count = 0
    while count < len(lines) and lines[count].comment is None:
        count += 1
    return lines[:count]


def _blank_lines_moved(
    statement: cst.CSTNode, inserted: cst.SimpleStatementLine
) -> tuple[cst.CSTNode, cst.SimpleStatementLine]:
    """The blank lines that open ``statement``'s leading lines, moved above ``inserted``."""
    assert isinstance(statement, (cst.SimpleStatementLine, cst.BaseCompoundStatement))
    blank = _opening_blank_lines(statement)
    return (
        statement.with_changes(leading_lines=statement.leading_lines[len(blank) :]),
        inserted.with_changes(leading_lines=[*blank, *inserted.leading_lines]),
    )


def _without_final_statement(statement: cst.Try) -> list[cst.BaseStatement]:
    """The ``try`` without the ``end_span()`` that ends its ``finally`` (a ``try`` left with
    neither handlers nor ``finally`` becomes its body)."""
    assert statement.finalbody is not None
    final = list(cast(cst.IndentedBlock, statement.finalbody.body).body)[:-1]
    if final:
        return [
            statement.with_changes(
                finalbody=statement.finalbody.with_changes(
                    body=statement.finalbody.body.with_changes(body=final)
                )
            )
        ]
    if statement.handlers:
        return [statement.with_changes(finalbody=None)]
    body = list(cast(cst.IndentedBlock, statement.body).body)
    head = cast("Union[cst.SimpleStatementLine, cst.BaseCompoundStatement]", body[0])
    body[0] = head.with_changes(leading_lines=[*statement.leading_lines, *head.leading_lines])
    return body


def _walk_calls(module: cst.Module) -> Iterator[cst.Call]:
    return (node for node in walk(module) if isinstance(node, cst.Call))


def _is_truth(value: cst.BaseExpression) -> bool:
    """A comparison or a ``not``: a bool (``enabled = exporter is not None``), whatever the
    objects it compares."""
    return isinstance(value, cst.Comparison) or (
        isinstance(value, cst.UnaryOperation) and isinstance(value.operator, cst.Not)
    )


def _walk_loads(module: cst.Module) -> Iterator[Union[cst.Call, cst.Name, cst.Attribute]]:
    """Calls, names and dotted names outside import statements."""
    return (
        node
        for node in walk(module, (cst.Import, cst.ImportFrom))
        if isinstance(node, (cst.Call, cst.Name, cst.Attribute))
    )


def _imports(
    module: cst.Module,
) -> Iterator[tuple[Union[cst.Import, cst.ImportFrom], list[cst.ImportAlias]]]:
    """``(statement, aliases)`` for every import of an OpenCensus module."""
    for node in walk(module):
        if isinstance(node, cst.ImportFrom) and node.module is not None and not node.relative:
            source = cst.helpers.get_full_name_for_node(node.module) or ""
            if source.split(".")[0] == ROOT and not isinstance(node.names, cst.ImportStar):
                yield node, list(node.names)
        elif isinstance(node, cst.Import):
            aliases = [
                a
                for a in node.names
                if (cst.helpers.get_full_name_for_node(a.name) or "").split(".")[0] == ROOT
            ]
            if aliases:
                yield node, aliases


#: Composed with the OpenTracing transforms in one traversal (see ``pipeline.py``).
OPENCENSUS_TRANSFORMS = (OpenCensusTraces,)


def _comments(statement: cst.CSTNode) -> list[cst.EmptyLine]:
    """The comment lines above ``statement`` and the comment beside it, as lines."""
    found = [line for line in getattr(statement, "leading_lines", ()) if line.comment]
    trailing = getattr(statement, "trailing_whitespace", None)
    if trailing is not None and trailing.comment is not None:
        found.append(cst.EmptyLine(comment=trailing.comment))
    return found


def _with_comments_above(statement: cst.CSTNode, comments: list[cst.EmptyLine]) -> cst.CSTNode:
    """``statement`` with ``comments`` above it."""
    lines = getattr(statement, "leading_lines", None)
    if lines is None or not comments:
        return statement
    return statement.with_changes(leading_lines=[*comments, *lines])


def _same_code(first: cst.BaseSmallStatement, second: cst.BaseSmallStatement) -> bool:
    """Whether two generated statements do the same: equal trees, or equal once parsed (a
    set-up writes ``'key'`` where another writes ``"key"``)."""
    if first.deep_equals(second):
        return True
    module = cst.Module([])
    code = [module.code_for_node(statement) for statement in (first, second)]
    return ast.dump(ast.parse(code[0])) == ast.dump(ast.parse(code[1]))


def _with_exporters_of(
    first: cst.BaseSmallStatement, second: cst.BaseSmallStatement
) -> Optional[cst.Expr]:
    """``first``'s ``configure(...)`` with ``second``'s span exporters and other settings added,
    if no setting both give differs but the exporters (else ``None``: they cannot be one call)."""
    calls = [s.value if isinstance(s, cst.Expr) else None for s in (first, second)]
    if not isinstance(calls[0], cst.Call) or not isinstance(calls[1], cst.Call):
        return None
    ours, theirs = _keywords(calls[0]), _keywords(calls[1])
    if ours is None or theirs is None or "span_exporters" not in ours.keys() & theirs.keys():
        return None
    present, added = ours["span_exporters"].value, theirs["span_exporters"].value
    if not isinstance(present, cst.List) or not isinstance(added, cst.List):
        return None
    for name in ours.keys() & theirs.keys() - {"span_exporters"}:
        if not _same_code(cst.Expr(ours[name].value), cst.Expr(theirs[name].value)):
            return None
    elements = list(present.elements)
    for element in added.elements:
        if not any(_same_code(cst.Expr(element.value), cst.Expr(e.value)) for e in elements):
            elements.append(element)
    exporters = ours["span_exporters"].with_changes(value=present.with_changes(elements=elements))
    args = [exporters if a is ours["span_exporters"] else a for a in calls[0].args]
    args += [arg for name, arg in theirs.items() if name not in ours]
    return cst.Expr(calls[0].with_changes(args=args))


def _keywords(call: cst.Call) -> Optional[dict[str, cst.Arg]]:
    """A call's arguments by keyword (``None`` if one is positional)."""
    found = {a.keyword.value: a for a in call.args if a.keyword is not None}
    return found if len(found) == len(call.args) else None
