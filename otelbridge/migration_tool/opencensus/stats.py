"""OpenCensus stats -> OpenTelemetry instruments and Views, for the stats of one module.

Each measure becomes one instrument per kind its registered views need (Distribution ->
histogram, with the bounds as ``explicit_bucket_boundaries_advisory``; Sum -> counter; LastValue ->
gauge; Count -> a counter that adds 1). Each OpenCensus view becomes an OpenTelemetry ``View``
keeping its name, description, columns (as ``attribute_keys``) and aggregation, so the metric
names and shapes stay what dashboards expect; they are handed to one ``configure(views=[...])``.
``mmap.measure_*_put(m, v); mmap.record(tag_map)`` becomes ``m.add/record/set(v, attributes)``
with the tag map's keys and values.

A module's stats convert together or not at all: an instrument must never meet an OpenCensus
``measure_*_put``. So every measure, view, registration and recording of the module must be
understood (measures, tag keys, views and registrations at module level, recordings as one
measurement map and one tag map in one block); otherwise nothing changes and the leftover pass
marks each site. Context tags (``record()`` without a tag map) keep the module on OpenCensus.

A measure imported from another project module is recorded with that module's instruments (its
views decide them); the modules that define and record shared measures convert together or not
at all (:mod:`.project`), as one unit.
"""

from __future__ import annotations

import dataclasses
import re
from functools import partial
from typing import TYPE_CHECKING, Callable, Iterable, Optional, Protocol, Sequence, Union, cast

import libcst as cst

from otelbridge.migration_tool.findings import TODO_PREFIX, Finding
from otelbridge.migration_tool.opencensus import prometheus
from otelbridge.migration_tool.opencensus.constants import constant
from otelbridge.migration_tool.opencensus.names import METRIC_EXPORTERS
from otelbridge.migration_tool.opencensus.put_branches import (
    PUTS,
    branch_puts,
    method_of,
    most_puts,
    rebinds,
)
from otelbridge.migration_tool.opencensus.span_parameters import PassedParameter
from otelbridge.migration_tool.opencensus.statements import fresh_name, names_in
from otelbridge.migration_tool.transforms.arguments import keyword
from otelbridge.migration_tool.transforms.base import arg, has_star_args, literal
from otelbridge.migration_tool.walk import walk

if TYPE_CHECKING:
    from otelbridge.migration_tool.opencensus.traces import OpenCensusTraces


class SharedLookup(Protocol):
    """What one module's stats see of the other modules of the project."""

    def measure(self, local: str) -> Optional[Measure]:
        """The measure the imported name ``local`` is (raises :class:`Unsupported` when its
        module's stats stay OpenCensus), ``None`` if it is no measure of the project."""

    def tag_key(self, local: str) -> Optional[str]:
        """The key name of the tag key the imported name ``local`` is, if it is one."""

    def exported(self, name: str) -> bool:
        """Whether another project module imports ``name`` of this one."""

    def held_map(self, local: str) -> Optional[tuple[Optional[str], str]]:
        """(module path, name) of the held measurement map the imported ``local`` is, if it
        is one (and its module's stats convert)."""

    def tag_map(self, local: str) -> Optional[list[tuple[str, cst.BaseExpression]]]:
        """The keys and literal values of the module-level tag map the imported ``local`` is,
        if it is one."""

    def sets_context_tags(self) -> bool:
        """Whether a module of the project names OpenCensus' ``TagContext`` (where a
        ``record()`` without a tag map reads its tags)."""

    def role(self, local: str) -> bool:
        """Whether the imported ``local`` is another module's name for a part of OpenCensus'
        stats singleton (``stats_recorder = stats.stats_recorder``), which goes with its stats."""

    def view(self, dotted: str) -> Optional[ViewSpec]:
        """The view of another project module that ``dotted`` (``LATENCY_VIEW``,
        ``metrics.LATENCY_VIEW``) names, if it is one (raises :class:`Unsupported` when that
        module's stats stay OpenCensus)."""


_STATS = "opencensus.stats."
MEASURES = {_STATS + "measure.MeasureInt", _STATS + "measure.MeasureFloat"}
VIEW = _STATS + "view.View"
TAG_KEY = "opencensus.tags.tag_key.TagKey"
TAG_VALUE = "opencensus.tags.tag_value.TagValue"
TAG_MAP = "opencensus.tags.tag_map.TagMap"
STATS_SINGLETON = _STATS + "stats.stats"
#: OpenCensus aggregation -> the kind of instrument whose default aggregation is the same.
AGGREGATIONS = {
    _STATS + "aggregation.DistributionAggregation": "histogram",
    _STATS + "aggregation.SumAggregation": "counter",
    _STATS + "aggregation.LastValueAggregation": "gauge",
    _STATS + "aggregation.CountAggregation": "count",
}
#: Instrument kind -> (meter method, recording method, what is recorded).
INSTRUMENTS = {
    "histogram": ("create_histogram", "record"),
    "counter": ("create_counter", "add"),
    "gauge": ("create_gauge", "set"),
    "count": ("create_counter", "add"),
}
PER_CALL_NOTE = (
    "a measure made per call: OpenCensus dropped what calls after the first recorded (their "
    "measure is not the registered one); this instrument records every call"
)
#: The measurement map's attribute holding OpenCensus' in-process aggregates.
AGGREGATES = "measure_to_view_map"
AGGREGATES_NOTE = (
    "OpenCensus' in-process aggregates (measure_to_view_map, view_manager.get_view()) have no "
    "OpenTelemetry API: read the metrics from a reader (InMemoryMetricReader, or the exporter's "
    "backend)"
)
#: the view manager's methods that read the aggregated data of views
VIEW_DATA_READS = frozenset({"get_view", "get_all_exported_views"})
#: Why a measurement map may put a measure once before a record().
TWICE = "a measure is put twice before one record(), which records its last value only"
#: Why the runs of one held measurement map must put the same measures.
REPUT = "OpenCensus records every measure put into it so far again on each record()"
_ORDER = ("histogram", "counter", "gauge", "count")
_SIMPLE = (cst.Name, cst.Attribute, cst.Integer, cst.Float)
UNREGISTERED_NOTE = (
    "this OpenCensus view was never registered (OpenCensus exported nothing for it): it is an "
    "OpenTelemetry View now; give it to configure(views=[...]) with a reader to export it"
)
VIEWS_NOTE = (
    "the OpenCensus views of this module: a process calls configure() once, so merge these "
    "views into the application's configure() if it has another"
)


#: A registered exporter: (the ``register_exporter`` statement, the exporter's binding statement,
#: the factory call that makes it).
Exporter = tuple[cst.CSTNode, Optional[cst.CSTNode], cst.Call]


class Unsupported(Exception):
    """Something of the module's stats this mapping does not understand (the reason)."""


class Host(Protocol):
    """What reading a module's stats needs of its tree (the transform, or a plain reading)."""

    def bound_values(self, name: cst.Name) -> list[cst.BaseExpression]: ...

    def is_imported(self, name: cst.Name) -> bool: ...

    def passed_parameter(
        self, name: cst.Name, exported: Callable[[str], bool]
    ) -> Optional[PassedParameter]: ...


@dataclasses.dataclass
class Measure:
    statement: cst.SimpleStatementLine
    var: str
    name: str
    description: str
    unit: str
    #: instrument kind -> (variable holding it, instrument name)
    instruments: dict[str, tuple[str, str]] = dataclasses.field(default_factory=dict)
    bounds: Optional[list[cst.BaseExpression]] = None
    #: for a measure of another module: the module it is imported from here, as written
    source: str = ""


@dataclasses.dataclass
class ViewSpec:
    #: the statement that makes it (its registration, for a view made in ``register_view()``)
    statement: cst.CSTNode
    #: the name bound to it; "" for a view made in its ``register_view()`` call
    var: str
    name: str
    description: str
    columns: list[str]
    measure: Measure
    kind: str
    bounds: Optional[list[cst.BaseExpression]]
    #: how a module registering another module's view names it (``metrics.LATENCY_VIEW``)
    imported: Optional[cst.BaseExpression] = None


#: tag map variable -> the ``(key, value)`` of each of its inserts, in order
_TagMaps = dict[str, list[tuple[str, cst.BaseExpression]]]
#: the ``(measure, value)`` of each ``measure_*_put`` of a measurement map
_Puts = list[tuple[Measure, cst.BaseExpression]]


class Stats:
    """Reads the stats of one module (:meth:`read`) and plans their conversion for
    :class:`OpenCensusTraces` (:meth:`plan`)."""

    def __init__(
        self,
        host: Host,
        names: Callable[[cst.CSTNode], set[str]],
        shared: Optional[SharedLookup] = None,
    ) -> None:
        self._host = host
        self._names = names
        self._shared_lookup = shared
        self.measures: dict[str, Measure] = {}
        #: measures of other project modules recorded here, by local name
        self.shared: dict[str, Measure] = {}
        self._sources: dict[str, str] = {}
        #: ``exporter = new_metrics_exporter(...)`` bindings, by name
        self._exporter_bindings: dict[str, tuple[cst.CSTNode, cst.Call]] = {}
        #: ``view_manager.register_exporter(e)``: (that statement, e's binding, e's factory call)
        self._exporters: list[Exporter] = []
        #: measure variable -> the tag keys its recordings here give
        self._recorded_keys: dict[str, set[str]] = {}
        self._t: OpenCensusTraces  # set by plan(), for the writing
        self.keys: dict[str, str] = {}
        self._key_statements: dict[str, cst.CSTNode] = {}
        self._views: dict[str, ViewSpec] = {}
        #: aggregations bound to a name (``DIST = DistributionAggregation(...)``): their statements
        self._aggregations: dict[str, cst.CSTNode] = {}
        #: statement -> the function or class it is in (none for module-level ones)
        self._owners: dict[cst.CSTNode, cst.CSTNode] = {}
        self._registered: list[tuple[cst.CSTNode, ViewSpec]] = []
        #: the module's views when none is registered here (other modules register them, or
        #: none does): they still choose the instruments, and stay as OpenTelemetry views
        self._registered_elsewhere: list[ViewSpec] = []
        #: other modules' views registered here, as written (``metrics.LATENCY_VIEW``)
        self.imported_views: list[str] = []
        self._holders: list[cst.SimpleStatementLine] = []
        self._looped: set[cst.CSTNode] = set()
        #: record statement -> its replacement lines; statements the recordings remove
        self._records: dict[
            cst.CSTNode, Callable[[cst.CSTNode], list[cst.SimpleStatementLine]]
        ] = {}
        self._removed: list[cst.CSTNode] = []
        #: statements reading OpenCensus' aggregates (they become comments) -> what they bind
        self._reads: dict[cst.CSTNode, set[str]] = {}
        #: whether the module or project names OpenCensus' TagContext (a record() without a tag
        #: map reads its tags from there; else it records none)
        self._context_tags = True
        #: the tag maps made and filled at module level, once a held measurement map needs them
        self._held_tags: Optional[_TagMaps] = None
        #: measurement maps made at module level and recorded in functions (held maps)
        self.held_maps: set[str] = set()
        #: held maps and tag maps of other project modules used here (they leave the imports)
        self.imported_held: set[str] = set()
        #: names imported from other modules for parts of the stats singleton (see ``role``)
        self.imported_roles: set[str] = set()
        #: held map ((None: this module, or its module's path), name) -> the measures put here
        self.held_sets: dict[tuple[Optional[str], str], frozenset[str]] = {}
        #: parameters of helpers given the view manager or the recorder (``register(vm)``):
        #: they and their arguments go with the registrations
        self._passed: dict[cst.Param, PassedParameter] = {}
        #: ``value = TagValue(x)`` bound above an insert of ``value``: the call becomes ``x``
        self._named_tag_values: set[cst.Call] = set()

    def plan(
        self, transform: OpenCensusTraces, module: cst.Module, unit: Callable[[], str]
    ) -> None:
        """Convert the module's stats, unless they cannot, or ``unit`` says why the modules
        sharing measures with it stay OpenCensus."""
        if not has_stats(module, self._names):
            return
        try:
            self.read(module)
            reason = unit()
            if reason:
                raise Unsupported(reason)
            setup_end = self._setup_function_end(transform)
            anchors = (
                []
                if setup_end is not None
                else [self._exporter_anchor(transform, e) for e in self._exporters]
            )
        except Unsupported as exc:
            transform.note_stats_kept(str(exc))
            return
        self._apply(transform, module, anchors, setup_end)

    def _setup_function_end(self, t: OpenCensusTraces) -> Optional[cst.CSTNode]:
        """The last set-up statement when every view registration and exporter registration
        is directly in the body of one function (``setup_open_census()``): ``configure()`` goes
        there, so the set-up still runs when the program calls it (a Prometheus port is bound
        then, not at import) and may use the function's values (a connection string it reads).
        ``None`` when the set-up is elsewhere, the function makes measures or records too (a
        request handler's stats: set up once, at import), or the module configures tracing too (one
        ``configure()`` builds both, at module level)."""
        statements = [s for s, _ in self._registered]
        statements += [s for e in self._exporters for s in e[:2] if s is not None]
        owners = {self._owners.get(s) for s in statements}
        owner = owners.pop() if len(owners) == 1 else None
        if not isinstance(owner, cst.FunctionDef) or t.configures_tracing():
            return None
        made = [m.statement for m in self.measures.values()] + list(self._records)
        if any(self._owners.get(s) is owner for s in made):
            return None  # it makes measures or records too: a handler, maybe run per request
        body = list(owner.body.body)
        if not all(s in body for s in statements):
            return None  # in a loop or a branch: it may run more or less than once
        return max(statements, key=body.index)

    @staticmethod
    def _exporter_anchor(t: OpenCensusTraces, exporter: Exporter) -> cst.CSTNode:
        """The module-level statement after which ``configure()`` may build the reader."""
        try:
            anchor = t.setup_mapper.anchor(exporter[2])
        except ValueError:
            raise Unsupported("the metrics exporter is made of local values") from None
        return anchor if anchor is not None else (exporter[1] or exporter[0])

    def read(self, module: cst.Module) -> None:
        """Everything of the module's stats, or :class:`Unsupported`; measures get the names
        of their instruments."""
        self._context_tags = (  # without the project, some other module may set them
            self._shared_lookup is None
            or self._shared_lookup.sets_context_tags()
            or _names_tag_context(module)
        )
        self._read_imports(module)
        self._read_shared()
        self._read_module_level(module)
        self._read_recordings(module)
        self._read_view_data(module)
        self._check_reads_stay(module)
        self._check_every_use(module)
        self._name_instruments()

    def _read_shared(self) -> None:
        """Every measure imported from another project module: each of its uses here must be
        understood too (one passed on to a helper would meet an instrument)."""
        if self._shared_lookup is None:
            return
        for local, source in self._sources.items():
            found = self._shared_lookup.measure(local)
            if found is not None:
                self.shared[local] = dataclasses.replace(found, var=local, source=source)
        self.imported_roles = {local for local in self._sources if self._shared_lookup.role(local)}

    def _read_imports(self, module: cst.Module) -> None:
        """The module each ``from m import name`` takes a name from, as written (``.m``)."""
        for node in walk(module):
            if isinstance(node, cst.ImportFrom) and not isinstance(node.names, cst.ImportStar):
                named = cst.helpers.get_full_name_for_node(node.module) if node.module else None
                source = "." * len(node.relative) + (named or "")
                for alias in node.names:
                    local = alias.evaluated_alias or alias.evaluated_name
                    self._sources[local] = source

    def _module_attribute(self, node: cst.BaseExpression) -> Optional[str]:
        """``metrics.LATENCY_MS`` for that attribute of an imported name (``from app import
        metrics``), else None: another module's measures and tag keys may be read so too."""
        head = node
        while isinstance(head, cst.Attribute):
            head = head.value
        if not isinstance(node, cst.Attribute) or not isinstance(head, cst.Name):
            return None
        if not self._host.is_imported(head):
            return None
        return cst.helpers.get_full_name_for_node(node)

    def _local(self, node: cst.BaseExpression) -> str:
        """The name ``node`` reads here: a name, or an imported module's attribute (dotted)."""
        if isinstance(node, cst.Name):
            return node.value
        return self._module_attribute(node) or ""

    # -- reading ----------------------------------------------------------------------------
    def _read_module_level(self, module: cst.Module) -> None:
        """Measures, tag keys and views (at module level, or made in a function from literals
        and names of the module), then their registrations and exporters."""
        self._owners = _owners(module)
        statement: cst.CSTNode  # any node: the statements are picked out below
        for statement in walk(module, (cst.SimpleStatementLine,)):
            small = _single(statement)
            if isinstance(small, cst.Assign) and isinstance(small.value, cst.Call):
                target = small.targets[0].target if len(small.targets) == 1 else None
                called = self._names(small.value.func)
                made = {*MEASURES, TAG_KEY, VIEW, *AGGREGATIONS}
                if not isinstance(target, cst.Name) or not called & made:
                    continue
                if target.value in {*self.measures, *self.keys, *self._views, *self._aggregations}:
                    raise Unsupported(
                        f"{target.value!r} is bound to more than one measure, view or aggregation"
                    )
                if called & AGGREGATIONS.keys():
                    self._aggregations[target.value] = statement
                elif called & MEASURES:
                    self.measures[target.value] = self._measure(
                        statement, target.value, small.value
                    )
                elif TAG_KEY in called:
                    self.keys[target.value] = self._string(small.value, "name", 0)
                    self._key_statements[target.value] = statement
                else:
                    self._views[target.value] = self._view(statement, target.value, small.value)
        looped = self._looped  # the body of a registration loop, read with the loop
        for statement in walk(module):  # registrations may run in a set-up function
            if statement in looped:
                continue
            small = _single(statement)
            if isinstance(small, cst.Assign) and self._role(small.value):
                self._holders.append(cast(cst.SimpleStatementLine, statement))  # _single: one line
            elif isinstance(small, cst.Assign) and self._exporter_factory(small.value):
                target = small.targets[0].target if len(small.targets) == 1 else None
                if isinstance(target, cst.Name):
                    factory = cast(cst.Call, small.value)  # _exporter_factory: a call
                    self._exporter_bindings[target.value] = (statement, factory)
            elif isinstance(small, cst.Expr) and isinstance(small.value, cst.Call):
                if self._exporting(small.value) and self._exporter_factory(small.value):
                    self._exporters.append((statement, None, small.value))
                elif not self._exporter_registration(statement, small.value):
                    self._registration(statement, small.value)
            elif isinstance(statement, cst.For) and self._loop_registration(statement):
                looped.update(statement.body.body)
        self._read_unregistered_exporters(module)
        if self.measures and not self._registered:
            self._registered_elsewhere = self._views_left_to_others()

    def _views_left_to_others(self) -> list[ViewSpec]:
        """The module's views when it registers none: each made at module level (where
        another module may import it), and no exporter here to give them to."""
        views = list(self._views.values())
        if not views or self._exporters or any(v.statement in self._owners for v in views):
            raise Unsupported("no view of a module-level measure is registered")
        return views

    @property
    def views(self) -> list[str]:
        """The names the module's views are bound to (other modules may import them)."""
        return list(self._views)

    def exported_view(self, name: str) -> Optional[ViewSpec]:
        """The module-level view ``name`` another module registers, if it is one (raises
        :class:`Unsupported` when this module registers views itself: the instruments are
        chosen from those alone)."""
        view = self._views.get(name)
        if view is not None and self._registered:
            raise Unsupported(f"view {name!r} is registered both in its module and elsewhere")
        return view

    def _measure(self, statement: cst.CSTNode, var: str, call: cst.Call) -> Measure:
        unit = arg(call, "unit", 2)
        return Measure(
            cast(cst.SimpleStatementLine, statement),  # _single: one line
            var,
            self._string(call, "name", 0),
            self._string(call, "description", 1),
            self._literal_string(unit.value) if unit is not None else "",
        )

    def _view(self, statement: cst.CSTNode, var: str, call: cst.Call) -> ViewSpec:
        columns = arg(call, "columns", 2)
        measure = arg(call, "measure", 3)
        aggregation = arg(call, "aggregation", 4)
        if columns is None or measure is None or aggregation is None:
            raise Unsupported("a View() without columns, measure or aggregation")
        if not isinstance(measure.value, cst.Name) or measure.value.value not in self.measures:
            raise Unsupported("a view of a measure made in another module or not by name")
        self._same_owner(statement, self.measures[measure.value.value].statement)
        if not isinstance(columns.value, (cst.List, cst.Tuple)):
            raise Unsupported("view columns are not a literal list")
        agg = self._aggregation(aggregation.value, statement)
        found = None
        if isinstance(agg, cst.Call) and not has_star_args(agg):
            found = next(
                (AGGREGATIONS[n] for n in self._names(agg.func) if n in AGGREGATIONS), None
            )
        if found is None:
            raise Unsupported("a view aggregation that is not one of OpenCensus' four")
        bounds = None
        if found == "histogram":
            given = arg(cast(cst.Call, agg), "boundaries", 0)  # found: a call
            bounds = self._bounds(given.value) if given is not None else []
        return ViewSpec(
            statement,
            var,
            self._string(call, "name", 0),
            self._string(call, "description", 1),
            [self._column(e.value) for e in columns.value.elements],
            self.measures[measure.value.value],
            found,
            bounds,
        )

    def _aggregation(self, node: cst.BaseExpression, view: cst.CSTNode) -> cst.BaseExpression:
        """The aggregation a view is given: ``node``, or what the name ``node`` is bound to once
        (``DIST = DistributionAggregation(...)``; that statement goes with the stats)."""
        made = self._aggregations.get(node.value) if isinstance(node, cst.Name) else None
        if made is None:
            return node
        value = cast(cst.Assign, _single(made)).value  # _read_module_level: one assignment
        if [v is value for v in self._host.bound_values(cast(cst.Name, node))] != [True]:
            raise Unsupported(f"aggregation {cast(cst.Name, node).value!r} is bound more than once")
        self._same_owner(view, made)
        return value

    def _bounds(self, node: cst.BaseExpression) -> list[cst.BaseExpression]:
        if not isinstance(node, (cst.List, cst.Tuple)):
            raise Unsupported("distribution bounds are not a literal list")
        bounds = []
        for element in node.elements:
            value = constant(element.value, self._host.bound_values)
            if not isinstance(value, (int, float)):
                raise Unsupported("distribution bounds are not constant numbers")
            if value > 0:  # OpenCensus drops non-positive bounds (with a warning)
                # a literal as written; a computed one (``16.0 * MiB``) as its value, which
                # holds wherever the instrument is made
                given = element.value
                bounds.append(given if literal(given) is not NotImplemented else _number(value))
        return bounds

    def _column(self, node: cst.BaseExpression) -> str:
        value = literal(node)
        if isinstance(value, str):
            return value
        if isinstance(node, cst.Name) and node.value in self.keys:
            return self.keys[node.value]
        local = self._local(node)
        if self._shared_lookup and (local in self._sources or "." in local):
            key = self._shared_lookup.tag_key(local)
            if key is not None:
                return key
        if isinstance(node, cst.Call) and TAG_KEY in self._names(node.func):
            return self._string(node, "name", 0)
        raise Unsupported("a view column that is not a literal tag key")

    def _registration(
        self,
        statement: cst.CSTNode,
        call: cst.Call,
        views: Optional[list[cst.BaseExpression]] = None,
    ) -> bool:
        """``view_manager.register_view(v)``; in a loop, ``views`` are the loop's values."""
        func = call.func
        if not (isinstance(func, cst.Attribute) and func.attr.value == "register_view"):
            return False
        if self._role(func.value) != "view_manager":
            return False
        view = call.args[0].value if len(call.args) == 1 else None
        for given in views if views is not None else [view]:
            self._registered.append((statement, self._registered_view(statement, given)))
        return True

    def _registered_view(
        self, statement: cst.CSTNode, given: Optional[cst.BaseExpression]
    ) -> ViewSpec:
        """The view ``register_view(given)`` registers: one bound to a name, or made right there
        (``register_view(View(...))``; it goes into ``configure(views=)`` as it is)."""
        if isinstance(given, cst.Call) and VIEW in self._names(given.func):
            return self._view(statement, "", given)
        dotted = cst.helpers.get_full_name_for_node(given) if given is not None else None
        imported = self._shared_lookup.view(dotted) if dotted and self._shared_lookup else None
        if given is not None and dotted and imported is not None:
            self.imported_views.append(dotted)
            return dataclasses.replace(imported, imported=given)
        if not isinstance(given, cst.Name) or given.value not in self._views:
            raise Unsupported("register_view() of neither a View() nor a name bound to one")
        self._same_owner(statement, self._views[given.value].statement)
        return self._views[given.value]

    def _same_owner(self, user: cst.CSTNode, made: cst.CSTNode) -> None:
        """A measure or view made in a function is used only there (module-level ones anywhere):
        the same name elsewhere is another variable."""
        owner = self._owners.get(made)
        if owner is not None and self._owners.get(user) is not owner:
            raise Unsupported("a measure or view made in a function is used outside it")

    def _exporter_factory(self, node: cst.BaseExpression) -> bool:
        """Whether ``node`` calls a :data:`METRIC_EXPORTERS` factory with arguments that map."""
        if not isinstance(node, cst.Call) or has_star_args(node):
            return False
        if prometheus.options(node, self._names) is not None:
            return True
        row = next(
            (METRIC_EXPORTERS[n] for n in self._names(node.func) if n in METRIC_EXPORTERS), None
        )
        if row is None:
            return False
        kept, (_, interval), (lost, _) = row[2], row[4], row[5]
        for given in node.args:
            name = given.keyword.value if given.keyword is not None else None
            value = literal(given.value)
            if name is None or not (
                name in kept
                or (name == interval and isinstance(value, (int, float)))
                or (name == lost and isinstance(value, bool))
            ):
                return False
        return True

    def _exporting(self, call: cst.Call) -> bool:
        """Whether ``call`` makes an exporter that exports OpenCensus' stats by itself, with no
        ``register_exporter`` (Azure's starts its own thread over them)."""
        return bool(self._names(call.func) & METRIC_EXPORTERS.keys())

    def _read_unregistered_exporters(self, module: cst.Module) -> None:
        """Exporters of :meth:`_exporting` factories never registered are readers too; one
        whose arguments do not map keeps the stats (it would export nothing once they are
        instruments)."""
        for binding, factory in self._exporter_bindings.values():
            registered = any(e[1] is binding for e in self._exporters)
            if self._exporting(factory) and not registered:
                self._exporters.append((binding, None, factory))
        mapped = {e[2] for e in self._exporters}
        registrations = {e[0] for e in self._exporters}
        for node in walk(module):
            if isinstance(node, cst.Call) and self._exporting(node) and node not in mapped:
                raise Unsupported(
                    "a metrics exporter whose arguments do not map would export nothing once "
                    "the stats are instruments"
                )
            if isinstance(node, cst.SimpleStatementLine) and node not in registrations:
                small = _single(node)
                call = small.value if isinstance(small, cst.Expr) else None
                func = call.func if isinstance(call, cst.Call) else None
                if (
                    isinstance(func, cst.Attribute)
                    and func.attr.value == "register_exporter"
                    and self._role(func.value) == "view_manager"
                ):
                    raise Unsupported(  # Google Cloud's quickstart: Stackdriver's stats exporter
                        "a metrics exporter the migration does not map is registered: it would "
                        "export nothing once the stats are instruments"
                    )

    def _exporter_registration(self, statement: cst.CSTNode, call: cst.Call) -> bool:
        """``view_manager.register_exporter(e)`` of an exporter a known factory made."""
        func = call.func
        if not (
            isinstance(func, cst.Attribute)
            and func.attr.value == "register_exporter"
            and self._role(func.value) == "view_manager"
            and len(call.args) == 1
        ):
            return False
        given = call.args[0].value
        if isinstance(given, cst.Call) and self._exporter_factory(given):
            self._exporters.append((statement, None, given))
            return True
        if (
            isinstance(given, cst.Name)
            and given.value in self._exporter_bindings
            and len(self._host.bound_values(given)) == 1
        ):
            binding, factory = self._exporter_bindings[given.value]
            self._exporters.append((statement, binding, factory))
            return True
        return False

    def _loop_registration(self, loop: cst.For) -> bool:
        """``for v in (view_a, view_b): view_manager.register_view(v)``."""
        body = loop.body.body if isinstance(loop.body, cst.IndentedBlock) else ()
        small = _single(body[0]) if len(body) == 1 else None
        if not (isinstance(small, cst.Expr) and isinstance(small.value, cst.Call)):
            return False
        call = small.value
        if not (
            isinstance(loop.target, cst.Name)
            and isinstance(loop.iter, (cst.List, cst.Tuple))
            and loop.orelse is None
            and len(call.args) == 1
            and isinstance(call.args[0].value, cst.Name)
            and call.args[0].value.value == loop.target.value
        ):
            return False
        views = [element.value for element in loop.iter.elements]
        return self._registration(loop, call, views)

    def _read_recordings(self, module: cst.Module) -> None:
        for node in walk(module):
            if isinstance(node, (cst.Module, cst.IndentedBlock)):
                body = list(node.body)
                for index, statement in enumerate(body):
                    small = _single(statement)
                    if (
                        isinstance(small, cst.Assign)
                        and isinstance(small.value, cst.Call)
                        and isinstance(small.value.func, cst.Attribute)
                        and small.value.func.attr.value == "new_measurement_map"
                    ):
                        if node is module and not _mentioned_later(body, index):
                            self._removed.append(statement)
                            self._held_recordings(module, _target(statement), small.value)
                            self.held_maps.add(_target(statement))
                        else:
                            self._recording(body, index, small)
        for local in self._sources:  # maps other project modules made, recorded here
            if self._shared_lookup is not None and self._shared_lookup.held_map(local):
                self.imported_held.add(local)
                self._held_recordings(module, local, None)

    def _recording(self, body: list[cst.BaseStatement], index: int, creation: cst.Assign) -> None:
        """One measurement map: made, given puts, recorded once with a tag map, in one block (the
        tag map made right before it or after it; work that touches neither map may come before
        the first put; the puts and the record may be the body of a loop, among statements that
        do not touch them)."""
        target = creation.targets[0].target
        if not isinstance(target, cst.Name) or len(creation.targets) != 1:
            raise Unsupported("a measurement map not bound to one name")
        mmap = target.value
        end = _record_after_branches(body, index, mmap)
        if end is not None:
            self._branch_recording(body, index, end, mmap)
            return
        puts: _Puts = []
        tags: _TagMaps = {}
        removed: list[cst.CSTNode] = self._tags_before(body, index, tags)
        removed.append(body[index])
        for position in range(index + 1, len(body)):
            later = body[position]
            if self._tag_statement(later, tags):
                removed.append(later)
                continue
            loop = later.body.body if isinstance(later, (cst.For, cst.While)) else None
            loop_else = (
                cast("Union[cst.For, cst.While]", later).orelse if loop is not None else None
            )
            statements = loop if loop is not None and loop_else is None else [later]
            record, stays = None, False
            for number, statement in enumerate(statements):
                if not self._put_or_record(statement, mmap, tags, puts):
                    # Work before the first put stays where it is (the instrument calls are made
                    # at the record, after it); work between puts would run before values it
                    # may change, except in a loop, whose body records as it goes.
                    handed = _method_handed_on(statement, mmap)
                    if handed is not None:
                        raise Unsupported(
                            f"{mmap}.{handed} is passed on as a value (other code calls it)"
                        )
                    if _mentions(statement, {mmap, *tags}) or (loop is None and puts):
                        raise Unsupported(f"{mmap!r} is recorded with other statements in between")
                    if any(not isinstance(value, _SIMPLE) for _, value in puts):
                        raise Unsupported(
                            "a recorded value that is not a name or literal would be computed "
                            "after the statements between its put and record()"
                        )
                    self._check_unchanged(statement, mmap, tags, puts)
                    stays = True
                    continue
                if _is_record(statement):
                    record = statement
                    self._aggregate_reads(statements[number + 1 :], mmap, tags)
                    break
                removed.append(statement)
            if record is None:
                if loop is not None:
                    raise Unsupported(f"{mmap!r} is put in a loop that does not record it")
                if not stays:
                    removed.append(later)
                continue
            self._aggregate_reads(body[position + 1 :], mmap, tags)
            self._removed.extend(removed)
            self._plan_record(record, puts, tags)
            return
        raise Unsupported(f"{mmap!r} is not recorded in the block that made it")

    def _branch_recording(
        self, body: list[cst.BaseStatement], index: int, end: int, mmap: str
    ) -> None:
        """A measurement map made at ``body[index]`` and recorded at ``body[end]``, some of its
        puts in ``if`` branches between: each put becomes its instrument calls where it is, with
        the tag map's attributes. The same as OpenCensus' record() (the values put, the tags at
        the record) while the tag map is filled before the first put and only the puts and
        their ``if`` tests run after it. As with puts in a row, a test or value that raises
        after a put leaves that put recorded, where OpenCensus recorded nothing."""
        tags: _TagMaps = {}
        removed = [*self._tags_before(body, index, tags), body[index]]
        at: list[cst.CSTNode] = []  # the put statements, in order
        for statement in body[index + 1 : end]:
            branches = branch_puts(statement, mmap) if isinstance(statement, cst.If) else None
            if not at and self._tag_statement(statement, tags):
                removed.append(statement)
            elif method_of(statement, mmap) in PUTS:
                at.append(statement)
            elif branches is not None:
                at.extend(branches)
            elif isinstance(statement, cst.If) and _mentions(statement, {mmap}):
                raise Unsupported(
                    f"{mmap!r} is put in an if branch with other statements or on its line"
                )
            elif at and _mentions(statement, set(tags)):
                raise Unsupported(f"a tag map of {mmap!r} changes after its first put")
            elif at or _mentions(statement, {mmap, *tags}):
                raise Unsupported(f"{mmap!r} is recorded with other statements in between")
            else:
                self._check_unchanged(statement, mmap, tags, [])
        puts: _Puts = []
        for line in [*at, body[end]]:
            self._put_or_record(line, mmap, tags, puts)
        if any(count > 1 for count in most_puts(body[index + 1 : end], mmap).values()):
            raise Unsupported(TWICE)
        self._aggregate_reads(body[end + 1 :], mmap, tags)
        self._removed.extend(removed)
        self._plan_record(body[end], puts, tags, at)

    @staticmethod
    def _check_unchanged(work: cst.CSTNode, mmap: str, tags: _TagMaps, puts: _Puts) -> None:
        """Work that stays between a map's tag inserts or puts and the instrument calls rebinds
        no name the values read (the calls read them after it; OpenCensus took them before)."""
        values = [v for entries in tags.values() for _, v in entries] + [v for _, v in puts]
        read = {n.value for v in values for n in walk(v) if isinstance(n, cst.Name)}
        changed = sorted(rebinds(work) & read)
        if changed:
            raise Unsupported(
                f"{changed[0]!r} changes between a put or tag insert of {mmap!r} and its record()"
            )

    def _held_recordings(
        self, module: cst.Module, mmap: str, made: Optional[cst.BaseExpression]
    ) -> None:
        """A measurement map made at module level (``made``; ``None``: imported from another
        project module) and recorded in functions: each run of puts and one ``record()`` (with
        a module-level tag map, one imported, or one made right before the puts) becomes
        instrument calls. OpenCensus records every measure ever put into the map again on each
        ``record()``, so every run, in every module, must put the same measures."""
        held = {**self._imported_tag_maps(), **self._module_tag_maps(module)}
        claimed: list[cst.CSTNode] = list(self._removed)
        measured: Optional[frozenset[str]] = None
        for block in walk(module):
            if not isinstance(block, cst.IndentedBlock):
                continue
            body = list(block.body)
            starts = [i for i, line in enumerate(body) if self._puts_into(line, mmap, made)]
            position = 0
            for start in starts:
                if start < position:
                    continue  # a put of the run before
                puts, position = self._held_run(body, start, mmap, held)
                measures = frozenset(m.name for m, _ in puts)
                if measured is not None and measures != measured:
                    raise Unsupported(f"{mmap!r} is put with other measures elsewhere: {REPUT}")
                measured = measures
                following = [i for i in starts if i >= position]
                reads = body[position : following[0] if following else len(body)]
                self._aggregate_reads(reads, mmap, held)
                claimed.extend(body[start:position])
        origin = (None, mmap) if made is not None else self._shared_lookup.held_map(mmap)  # type: ignore[union-attr]  # imported: a lookup found it
        if measured is not None and origin is not None:
            self.held_sets[origin] = measured
        inside = {n for line in [*claimed, *self._reads] for n in walk(line)}
        for node in walk(module, (cst.Import, cst.ImportFrom)):
            if not isinstance(node, cst.Name) or node.value not in {mmap, *held} or node in inside:
                continue
            values = self._host.bound_values(node)
            if any(v is made or _made_tag_map(v, self._names) for v in values) or (
                node.value in self.imported_held and self._host.is_imported(node)
            ):
                raise Unsupported(f"{node.value!r} is used for more than puts and record()")

    def _imported_tag_maps(self) -> _TagMaps:
        """Tag maps made and filled at module level by other project modules, imported here
        (their names leave this module's imports)."""
        found: _TagMaps = {}
        for local in self._sources:
            attributes = self._shared_lookup.tag_map(local) if self._shared_lookup else None
            if attributes is not None:
                found[local] = attributes
                self.imported_held.add(local)
        return found

    @property
    def role_holders(self) -> set[str]:
        """The names this module binds to parts of the stats singleton, which its conversion
        removes."""
        return {_target(h) for h in self._holders}

    @property
    def held_tags(self) -> _TagMaps:
        """The tag maps made and filled at module level, read for a held measurement map."""
        return self._held_tags or {}

    def _module_tag_maps(self, module: cst.Module) -> _TagMaps:
        """The tag maps made and filled at module level (their statements go)."""
        if self._held_tags is None:
            self._held_tags = {}
            for line in module.body:
                if self._tag_statement(line, self._held_tags):
                    self._removed.append(line)
        return self._held_tags

    def _puts_into(
        self, line: cst.CSTNode, mmap: str, made: Optional[cst.BaseExpression]
    ) -> bool:
        """Whether ``line`` is ``mmap.measure_*_put(...)`` on the module-level map ``made``
        (``None``: on the imported ``mmap``)."""
        if method_of(line, mmap) not in PUTS:
            return False
        receiver = cst.ensure_type(_single(line), cst.Expr).value
        func = cst.ensure_type(cst.ensure_type(receiver, cst.Call).func, cst.Attribute)
        owner = cst.ensure_type(func.value, cst.Name)
        if made is not None:
            return any(v is made for v in self._host.bound_values(owner))
        return self._host.is_imported(owner)

    def _held_run(
        self, body: list[cst.BaseStatement], start: int, mmap: str, held: _TagMaps
    ) -> tuple[_Puts, int]:
        """The puts from ``body[start]`` on and the ``record()`` that ends them (and the tag
        statements of a local tag map right before them), and where the run ends."""
        tags: _TagMaps = dict(held)
        self._removed.extend(self._tags_before(body, start, tags))
        puts: _Puts = []
        for position in range(start, len(body)):
            line = body[position]
            if not self._put_or_record(line, mmap, tags, puts):
                break
            if not _is_record(line):
                self._removed.append(line)
                continue
            self._plan_record(line, puts, tags)
            return puts, position + 1
        raise Unsupported(f"{mmap!r} is put without a record() right after the puts")

    def _aggregate_reads(self, rest: Sequence[cst.CSTNode], mmap: str, tags: Iterable[str]) -> None:
        """The statements of ``rest`` that read OpenCensus' in-process aggregates through the
        map (``mmap.measure_to_view_map``), and those that use what they bind, go to
        :attr:`_reads`; any other use of the maps after ``record()`` is :class:`Unsupported`."""
        bound: set[str] = set()
        for statement in rest:
            if _reads_aggregates(statement, mmap) or _mentions(statement, bound):
                small = _single(statement)
                if not isinstance(small, (cst.Assign, cst.Expr)):
                    raise Unsupported(f"{mmap!r}'s aggregates are read by a compound statement")
                for target in small.targets if isinstance(small, cst.Assign) else ():
                    if not isinstance(target.target, cst.Name):
                        raise Unsupported(f"{mmap!r}'s aggregates are stored in an attribute")
                    bound.add(target.target.value)
                self._reads[statement] = bound
            elif _mentions(statement, {mmap, *tags}):
                raise Unsupported(f"{mmap!r} is used for more than puts and one record()")

    def _read_view_data(self, module: cst.Module) -> None:
        """``data = view_manager.get_view(name)`` (OpenCensus' stats example prints what its
        views aggregated), and the statements of its block using what it binds (a ``for`` loop
        over the data too), go to :attr:`_reads` as the aggregate reads through a map do: once
        the views are OpenTelemetry ones, ``get_view`` finds none (``None``)."""
        for suite in walk(module):
            if not isinstance(suite, (cst.Module, cst.IndentedBlock)):
                continue
            body = list(suite.body)
            for position, statement in enumerate(body):
                if statement in self._reads or not self._gets_view_data(statement):
                    continue
                bound: set[str] = set()
                for line in body[position:]:
                    if line is not statement and not _mentions(line, bound):
                        continue
                    if isinstance(line, cst.For) and _mentions(line.iter, bound):
                        bound |= {n.value for n in walk(line.target) if isinstance(n, cst.Name)}
                    else:
                        small = _single(line)
                        if not isinstance(small, (cst.Assign, cst.Expr)):
                            raise Unsupported(
                                "OpenCensus' view data is read by a compound statement"
                            )
                        for target in small.targets if isinstance(small, cst.Assign) else ():
                            if not isinstance(target.target, cst.Name):
                                raise Unsupported("OpenCensus' view data is stored in an attribute")
                            bound.add(target.target.value)
                    self._reads[line] = bound

    def _gets_view_data(self, statement: cst.CSTNode) -> bool:
        """Whether ``statement`` (one line) calls the view manager's ``get_view()``."""
        small = _single(statement)
        if not isinstance(small, (cst.Assign, cst.Expr)):
            return False
        return any(
            isinstance(n, cst.Call)
            and isinstance(n.func, cst.Attribute)
            and n.func.attr.value in VIEW_DATA_READS
            and self._role(n.func.value) == "view_manager"
            for n in walk(small.value)
        )

    def _check_reads_stay(self, module: cst.Module) -> None:
        """What aggregate reads bind is used by aggregate reads only (they become comments)."""
        bound = {name for names in self._reads.values() for name in names}
        if not bound:
            return
        inside = [n for r in self._reads for n in walk(r) if isinstance(n, cst.Name)]
        every = [n for n in walk(module) if isinstance(n, cst.Name) and n.value in bound]
        if len(every) != sum(n.value in bound for n in inside):
            raise Unsupported("what reads OpenCensus' in-process aggregates is used further on")

    def _is_tag_statement(self, statement: cst.CSTNode) -> bool:
        """``t = TagMap()`` or ``t.insert(k, v)`` (any name ``t``)."""
        small = _single(statement)
        if isinstance(small, cst.Assign):
            return _tag_map_made(small, self._names) is not None
        call = small.value if isinstance(small, cst.Expr) else None
        return (
            isinstance(call, cst.Call)
            and isinstance(call.func, cst.Attribute)
            and isinstance(call.func.value, cst.Name)
            and call.func.attr.value == "insert"
        )

    def _tag_statement(self, statement: cst.CSTNode, tags: _TagMaps) -> bool:
        """Read a tag map's creation or insert into ``tags``; False if ``statement`` is neither."""
        small = _single(statement)
        if isinstance(small, cst.Assign):
            made = _tag_map_made(small, self._names)
            if made is None:
                return False
            tags[made] = []
            return True
        call = small.value if isinstance(small, cst.Expr) else None
        if not (isinstance(call, cst.Call) and isinstance(call.func, cst.Attribute)):
            return False
        receiver = call.func.value
        if not (isinstance(receiver, cst.Name) and receiver.value in tags):
            return False
        if call.func.attr.value != "insert" or len(call.args) != 2:
            raise Unsupported(f"tag map {receiver.value!r} is used for more than insert()")
        key = self._column(call.args[0].value)
        tags[receiver.value].append((key, self._tag_value(call.args[1].value)))
        return True

    def _put_or_record(
        self,
        statement: cst.CSTNode,
        mmap: str,
        tags: _TagMaps,
        puts: _Puts,
    ) -> bool:
        """Read ``mmap.measure_*_put(m, v)`` into ``puts``, or check ``mmap.record(tags)``."""
        small = _single(statement)
        call = small.value if isinstance(small, cst.Expr) else None
        if not (
            isinstance(call, cst.Call)
            and isinstance(call.func, cst.Attribute)
            and isinstance(call.func.value, cst.Name)
            and call.func.value.value == mmap
        ):
            return False
        method = call.func.attr.value
        if method in ("measure_int_put", "measure_float_put") and len(call.args) == 2:
            measure, value = (a.value for a in call.args)
            found = self._put_measure(measure)
            self._same_owner(statement, found.statement)
            puts.append((found, value))
            return True
        if method == "record":
            given = call.args[0].value if call.args else None
            if given is None and not self._context_tags:
                return True  # no tag map, and no TagContext to read one from: no attributes
            if given is not None and _made_tag_map(given, self._names):
                return True  # record(TagMap()): no tags
            if not isinstance(given, cst.Name) or given.value not in tags:
                raise Unsupported(
                    "record() with context tags (TagContext) or a tag map made elsewhere: "
                    "OpenTelemetry has no context tags"
                )
            return True
        raise Unsupported(f"{mmap!r} is used for more than puts and one record()")

    def _tags_before(
        self, body: Sequence[cst.BaseStatement], index: int, tags: _TagMaps
    ) -> list[cst.CSTNode]:
        """The tag-map statements right before ``body[index]``, read into ``tags``."""
        first = index
        while first > 0 and self._is_tag_statement(body[first - 1]):
            first -= 1
        for before in body[first:index]:
            self._tag_statement(before, tags)
        return list(body[first:index])

    def _plan_record(
        self,
        record: cst.CSTNode,
        puts: _Puts,
        tags: _TagMaps,
        at: Sequence[cst.CSTNode] = (),
    ) -> None:
        """A ``record(tag_map)`` :meth:`_put_or_record` accepted becomes the instrument calls
        of ``puts`` with the tag map's attributes (none for a ``record()`` without one or of an
        empty ``TagMap()``): there, or each put's at its statement in ``at`` (in exclusive
        branches, a measure may be put at several)."""
        if not at and len({m.var for m, _ in puts}) != len(puts):
            raise Unsupported(TWICE)
        call = cast(cst.Call, cast(cst.Expr, _single(record)).value)
        given = call.args[0].value if call.args else None
        attributes = tags[given.value] if isinstance(given, cst.Name) else []
        for line, put in zip(at, puts):
            self._records[line] = partial(self._recorded, puts=[put], attributes=attributes)
        if at:
            self._removed.append(record)
        else:
            self._records[record] = partial(self._recorded, puts=puts, attributes=attributes)
        for measure, _ in puts:
            self._recorded_keys.setdefault(measure.var, set()).update(k for k, _ in attributes)

    def _put_measure(self, node: cst.BaseExpression) -> Measure:
        """The measure a ``measure_*_put`` records: this module's, or one another project
        module defines (imported by name)."""
        if isinstance(node, cst.Name) and node.value in self.measures:
            return self.measures[node.value]
        local = self._local(node)
        if "." in local and local not in self.shared and self._shared_lookup is not None:
            found = self._shared_lookup.measure(local)  # asked here: only what is put
            if found is not None:
                self.shared[local] = dataclasses.replace(found, var=local, source="")
        if local not in self.shared:
            raise Unsupported("a measure made in another module (or not by name) is recorded")
        return self.shared[local]

    def _tag_value(self, node: cst.BaseExpression) -> cst.BaseExpression:
        """The attribute value of an inserted tag value: ``TagValue(x)`` is ``x`` (a ``str``
        subclass, validated); a name bound once to ``TagValue(x)`` (OpenCensus' example) stays,
        its binding becoming ``x``."""
        if self._is_tag_value(node):
            return cast(cst.Call, node).args[0].value
        values = self._host.bound_values(node) if isinstance(node, cst.Name) else []
        if len(values) == 1 and self._is_tag_value(values[0]):
            self._named_tag_values.add(cast(cst.Call, values[0]))
        return node

    def _is_tag_value(self, node: cst.BaseExpression) -> bool:
        return (
            isinstance(node, cst.Call)
            and TAG_VALUE in self._names(node.func)
            and len(node.args) == 1
            and node.args[0].keyword is None
            and not node.args[0].star
        )

    def _check_every_use(self, module: cst.Module) -> None:
        """No measure or aggregation is used anywhere but in what this plan rewrites; tag keys
        used only there go with it."""
        for name in self._aggregations:
            if self._exported(name):
                raise Unsupported(f"aggregation {name!r} is imported by another module")
        claimed = {s for s, _ in self._registered} | set(self._records) | set(self._removed)
        claimed |= set(self._aggregations.values())
        claimed |= set(self._reads)
        claimed |= {m.statement for m in self.measures.values()}
        claimed |= {v.statement for v in self._views.values()} | set(self._holders) | self._looped
        claimed |= {s for e in self._exporters for s in e[:2] if s is not None}
        exporters = {
            name
            for name, (binding, _) in self._exporter_bindings.items()
            if any(binding is e[1] or binding is e[0] for e in self._exporters)
        }
        inside = {n for s in claimed for n in walk(s)}
        for node in walk(module, (cst.Import, cst.ImportFrom)):  # their modules no longer bind
            if (
                isinstance(node, cst.Name)
                and node.value in self.imported_roles
                and node not in inside
            ):
                raise Unsupported(f"{node.value!r} is used for more than measurement maps")
        for passed in self._passed.values():
            if any(use not in inside for use in passed.uses):
                raise Unsupported(
                    f"{passed.param.name.value!r} of {passed.function.name.value}() is used "
                    "for more than registering views and exporters"
                )
        given = {n for p in self._passed.values() for a in p.arguments for n in walk(a)}
        holders = {_target(h): h for h in self._holders}
        unclaimed = [  # imports name modules, they read nothing
            s
            for s in walk(module, (cst.Import, cst.ImportFrom))
            if isinstance(s, cst.SimpleStatementLine)
            and s not in claimed
            and not isinstance(s.body[0], (cst.Import, cst.ImportFrom))
        ]
        while unclaimed:  # a holder kept for what stays keeps the holders it reads
            kept = []
            for statement in unclaimed:
                keywords = set()  # ``f(name=...)`` reads no ``name``
                for node in walk(statement):
                    if isinstance(node, cst.Arg) and node.keyword is not None:
                        keywords.add(node.keyword)
                    dotted = (
                        self._module_attribute(node)
                        if isinstance(node, cst.Attribute) and node not in given
                        else None
                    )
                    if dotted in self.shared:  # ``metrics.LATENCY_MS`` handed on
                        raise Unsupported(f"measure {dotted!r} is used elsewhere")
                    if not isinstance(node, cst.Name) or node in keywords or node in given:
                        continue  # an argument of a parameter that goes is no use
                    if node.value in self.measures or node.value in self.shared:
                        raise Unsupported(f"measure {node.value!r} is used elsewhere")
                    if node.value in self._aggregations:
                        raise Unsupported(f"aggregation {node.value!r} is used elsewhere")
                    if node.value in exporters:
                        raise Unsupported(f"exporter {node.value!r} is used elsewhere")
                    if statement not in self._key_statements.values():
                        self._key_statements.pop(node.value, None)  # the key stays
                    if node.value in holders:  # still read by what stays (an exporter)
                        kept.append(holders.pop(node.value))
            unclaimed = kept
        self._holders = list(holders.values())

    def _name_instruments(self) -> None:
        """One instrument per kind the measure's views need; the first keeps its names."""
        for view in [*(v for _, v in self._registered), *self._registered_elsewhere]:
            if view.imported is not None:
                continue  # another module's instruments, named there
            measure = view.measure
            measure.instruments.setdefault(view.kind, ("", ""))
            if view.bounds is not None and measure.bounds is None:
                measure.bounds = view.bounds
        for measure in self.measures.values():
            kinds = sorted(measure.instruments, key=_ORDER.index)
            for position, kind in enumerate(kinds):
                measure.instruments[kind] = (
                    (measure.var, instrument_name(measure.name))
                    if position == 0
                    else (f"{measure.var}_{kind}", instrument_name(f"{measure.name}.{kind}"))
                )

    # -- writing ----------------------------------------------------------------------------
    def _apply(
        self,
        t: OpenCensusTraces,
        module: cst.Module,
        anchors: list[cst.CSTNode],
        setup_end: Optional[cst.CSTNode],
    ) -> None:
        """Rewrite the module's stats; ``configure()`` goes after ``setup_end`` (the end of a set-up
        function), else after the latest module-level statement of ``anchors`` and the views."""
        self._t = t
        for tag_value in self._named_tag_values:
            t.rewrite_call(tag_value, lambda original, updated: updated.args[0].value)
        for measure in self.measures.values():
            kinds = sorted(measure.instruments, key=_ORDER.index)
            lines = [self._instrument_line(measure, kind) for kind in kinds]
            if lines:
                lines[0] = lines[0].with_changes(leading_lines=measure.statement.leading_lines)
            if lines and measure.statement in self._owners:
                self._note(lines, PER_CALL_NOTE, measure.statement)
            t.replace_statement(measure.statement, lines)
        implied = self._views_implied()
        for view in self._views.values():  # a view made in a function goes into configure()
            local = view.statement in self._owners
            lines = [] if implied or local else [self._view_line(view)]
            elsewhere = any(view is v for v in self._registered_elsewhere)
            if lines and elsewhere and not self._exported(view.var):
                self._note(lines, UNREGISTERED_NOTE, view.statement)
            t.replace_statement(view.statement, lines)
        for var, statement in list(self._key_statements.items()):
            if self._shared_lookup is not None and self._shared_lookup.exported(var):
                del self._key_statements[var]  # other modules import it: the key's name stays
                t.replace_statement(statement, [_constant(statement, t.string(self.keys[var]))])
        unused = [*self._removed, *self._holders, *self._key_statements.values()]
        unused += self._aggregations.values()
        unused += [s for e in self._exporters for s in e[:2] if s is not None]
        for statement in dict.fromkeys([*unused, *(s for s, _ in self._registered)]):
            t.replace_statement(statement, [])
        for record, build in self._records.items():
            t.replace_statement(record, build(record))
        for passed in self._passed.values():
            t.drop_parameter(passed.param, passed.arguments)
        self._comment_reads(t)
        self._drop_imported_held(t, module)
        keywords, notes = [], []
        if self._registered and not implied:
            views = cst.List(
                [
                    cst.Element(
                        v.imported
                        if v.imported is not None
                        else cst.Name(v.var)
                        if v.var and v.statement not in self._owners
                        else self._view_call(v)
                    )
                    for _, v in self._registered
                ]
            )
            keywords.append(keyword("views", views))
            notes.append((VIEWS_NOTE, self._registered[-1][0]))
            if setup_end is None:
                anchors = [*anchors, self._configure_anchor(module)]
        around: list[cst.SimpleStatementLine] = []  # a pull reader's binding and start
        if self._exporters:
            readers = [self._reader(t, module, e[2], notes, around) for e in self._exporters]
            keywords.append(keyword("metric_readers", cst.List([cst.Element(r) for r in readers])))
        if keywords:
            for note, where in notes:
                t.state.findings.append(Finding("opencensus-note", note, *t.state.position(where)))
            body: list[cst.CSTNode] = list(module.body)
            anchor = setup_end if setup_end is not None else max(anchors, key=body.index)
            for line in around:  # before configure() (placed after these, or later)
                t.insert_after(anchor, line)
            t.place_stats(module, anchor, keywords, [note for note, _ in notes])

    def _drop_imported_held(self, t: OpenCensusTraces, module: cst.Module) -> None:
        """The held maps, tag maps and stats singleton parts of other modules leave the imports
        (their modules no longer make them)."""
        dropped = self.imported_held | self.imported_roles
        for line in module.body:
            small = _single(line)
            if not isinstance(small, cst.ImportFrom) or isinstance(small.names, cst.ImportStar):
                continue
            kept = [
                a for a in small.names if (a.evaluated_alias or a.evaluated_name) not in dropped
            ]
            if len(kept) == len(small.names):
                continue
            if kept:
                kept[-1] = kept[-1].with_changes(comma=cst.MaybeSentinel.DEFAULT)
                changed = small.with_changes(names=kept)
                if len(kept) == 1:  # no parentheses around one name
                    changed = changed.with_changes(lpar=None, rpar=None)
                line = cast(cst.SimpleStatementLine, line)
                t.replace_statement(line, [line.with_changes(body=[changed])])
            else:
                t.replace_statement(line, [])

    def _note(self, lines: list[cst.SimpleStatementLine], note: str, at: cst.CSTNode) -> None:
        """A note above ``lines`` and in the report."""
        self._t.state.findings.append(Finding("opencensus-note", note, *self._t.state.position(at)))
        comment = cst.EmptyLine(indent=True, comment=cst.Comment(TODO_PREFIX + note))
        lines[0] = lines[0].with_changes(leading_lines=[*lines[0].leading_lines, comment])

    def _comment_reads(self, t: OpenCensusTraces) -> None:
        """Each run of aggregate reads becomes a marked comment of its code over a ``pass``."""
        reads = list(self._reads)
        for position, statement in enumerate(reads):
            if position and self._reads[reads[position - 1]] is self._reads[statement]:
                t.replace_statement(statement, [])  # written with the first of its run
                continue
            run = [r for r in reads if self._reads[r] is self._reads[statement]]
            code = [
                c
                for r in run
                for c in cst.Module([]).code_for_node(r.with_changes(leading_lines=[])).splitlines()
            ]
            comments = [TODO_PREFIX + AGGREGATES_NOTE + "; was:", *(f"# {c}" for c in code)]
            t.state.findings.append(
                Finding("opencensus-note", AGGREGATES_NOTE, *t.state.position(statement))
            )
            line = cst.SimpleStatementLine(
                [cst.Pass()],
                leading_lines=[
                    *statement.leading_lines,  # type: ignore[attr-defined]  # one line: _aggregate_reads
                    *(cst.EmptyLine(indent=True, comment=cst.Comment(c)) for c in comments),
                ],
            )
            t.replace_statement(statement, [line])

    def _views_implied(self) -> bool:
        """Whether the instruments alone give what every view of the module gives (each view
        named, described and bucketed as its instrument, over the keys its recordings here
        give): then no ``View`` is written, and no ``configure(views=)`` needs to come first in
        the process. Not for measures or views other modules use."""
        registered = [v for _, v in self._registered]
        if any(v.imported is not None for v in registered):
            return False  # another module's views: written where they are made
        if len([v for v in registered if v.var]) != len(self._views):
            return False
        seen: set[tuple[str, str]] = set()
        for _, view in self._registered:
            measure = view.measure
            exported = self._shared_lookup is not None and (
                self._shared_lookup.exported(measure.var)
                or bool(view.var and self._shared_lookup.exported(view.var))
            )
            keys = self._recorded_keys.get(measure.var, set())
            if (
                exported
                or (measure.var, view.kind) in seen
                or view.name != measure.instruments[view.kind][1]
                or view.description != measure.description
                or not keys <= set(view.columns)
                or (
                    view.kind == "histogram"
                    and not (view.bounds and _same_code(view.bounds, measure.bounds or []))
                )
            ):
                return False
            seen.add((measure.var, view.kind))
        return True

    def _reader(
        self,
        t: OpenCensusTraces,
        tree: cst.Module,
        factory: cst.Call,
        notes: list[tuple[str, cst.CSTNode]],
        around: list[cst.SimpleStatementLine],
    ) -> cst.BaseExpression:
        """``PeriodicExportingMetricReader(<OpenTelemetry exporter>(...), export_interval_millis=)``
        at OpenCensus' interval; for Prometheus, a reader bound and started in ``around``."""
        given_options = prometheus.options(factory, self._names)
        if given_options is not None:
            notes.append((prometheus.names_note(given_options), factory))
            notes.append((prometheus.INSTALL_NOTE, factory))
            var = fresh_name(names_in(tree), "prometheus_reader")
            made = cst.Call(cst.Name(t.otel(factory, *prometheus.READER)), [])
            around.append(
                cst.SimpleStatementLine([cst.Assign([cst.AssignTarget(cst.Name(var))], made)])
            )
            start = cst.Call(
                cst.Attribute(cst.Name(var), cst.Name("start_http_server")),
                prometheus.start_arguments(given_options),
            )
            around.append(cst.SimpleStatementLine([cst.Expr(start)]))
            return cst.Name(var)
        seconds: float
        module, cls, kept, package, (seconds, interval), (lost, note) = next(
            METRIC_EXPORTERS[n] for n in self._names(factory.func) if n in METRIC_EXPORTERS
        )
        given = {a.keyword.value: a for a in factory.args if a.keyword is not None}
        if interval in given:
            seconds = cast(float, literal(given[interval].value))  # _exporter_factory: a number
        if lost not in given or literal(given[lost].value):
            notes.append((note, factory))
        notes.append(
            (f"pip install {package} (the OpenTelemetry exporter that replaces this one)", factory)
        )
        exporter = cst.Call(
            cst.Name(t.otel(factory, module, cls)),
            [
                a.with_changes(comma=cst.MaybeSentinel.DEFAULT)
                for n, a in given.items()
                if n in kept
            ],
        )
        reader = t.otel(factory, "otelbridge.sdk.metrics.export", "PeriodicExportingMetricReader")
        millis = cst.Integer(str(round(seconds * 1000)))
        return cst.Call(
            cst.Name(reader), [cst.Arg(exporter), keyword("export_interval_millis", millis)]
        )

    def _configure_anchor(self, module: cst.Module) -> cst.CSTNode:
        """Where ``configure(views=...)`` goes: after the last registration when registrations
        are at module level, else after the last view (set-up runs once, at import)."""
        body: list[cst.CSTNode] = list(module.body)
        registrations = [s for s, _ in self._registered]
        if all(s in body for s in registrations):
            return max(registrations, key=body.index)
        made = [v.statement for v in self._views.values() if v.statement in body]
        if made:
            return max(made, key=body.index)
        return next((s for s in reversed(body) if _is_import(s)), body[0])  # literals only

    def _instrument_line(self, measure: Measure, kind: str) -> cst.SimpleStatementLine:
        t = self._t
        metrics = t.otel(measure.statement, "opentelemetry", "metrics")
        create = INSTRUMENTS[kind][0]
        var, name = measure.instruments[kind]
        args = [cst.Arg(t.string(name))]
        if measure.unit:  # a count too: OpenCensus reports every view in its measure's unit
            args.append(keyword("unit", t.string(measure.unit)))
        if measure.description:
            args.append(keyword("description", t.string(measure.description)))
        if kind == "histogram" and measure.bounds:
            args.append(
                keyword(
                    "explicit_bucket_boundaries_advisory",
                    cst.List([cst.Element(b) for b in measure.bounds]),
                )
            )
        meter = cst.parse_expression(f"{metrics}.get_meter(__name__).{create}")
        value = cst.Call(meter, args)
        target = cst.AssignTarget(cst.Name(var))
        return cst.SimpleStatementLine([cst.Assign([target], value)])

    def _view_line(self, view: ViewSpec) -> cst.SimpleStatementLine:
        """``<view's name> = View(...)`` where the OpenCensus view was bound."""
        target = cst.AssignTarget(cst.Name(view.var))
        return cst.SimpleStatementLine(
            [cst.Assign([target], self._view_call(view))],
            leading_lines=cast(cst.SimpleStatementLine, view.statement).leading_lines,
        )

    def _view_call(self, view: ViewSpec) -> cst.Call:
        """The ``View``; its aggregation is written for a histogram only (its buckets): a
        counter's default sums and a gauge's keeps the last value, as the OpenCensus view did."""
        t = self._t
        module = "otelbridge.sdk.metrics.view"
        cls = t.otel(view.statement, module, "View")
        aggregation = []
        if view.kind == "histogram":
            bounds = cst.List([cst.Element(b) for b in view.bounds or []])
            histogram = t.otel(view.statement, module, "ExplicitBucketHistogramAggregation")
            aggregation = [keyword("aggregation", cst.Call(cst.Name(histogram), [cst.Arg(bounds)]))]
        instrument = view.measure.instruments[view.kind][1]
        keys: cst.BaseExpression = (
            cst.Set([cst.Element(t.string(c)) for c in view.columns])
            if view.columns
            else cst.parse_expression("set()")
        )
        return cst.Call(
            cst.Name(cls),
            [
                keyword("instrument_name", t.string(instrument)),
                keyword("name", t.string(view.name)),
                keyword("description", t.string(view.description)),
                keyword("attribute_keys", keys),
                *aggregation,
            ],
        )

    def _recorded(
        self, at: cst.CSTNode, puts: _Puts, attributes: list[tuple[str, cst.BaseExpression]]
    ) -> list[cst.SimpleStatementLine]:
        lines = []
        attrs = cst.Dict([cst.DictElement(self._t.string(k), v) for k, v in attributes])
        for measure, value in puts:
            for position, kind in enumerate(sorted(measure.instruments, key=_ORDER.index)):
                var = measure.instruments[kind][0]
                if measure.source:  # another module's instrument: the first is the name imported
                    var = measure.var if position == 0 else self._t.otel(at, measure.source, var)
                elif "." in measure.var:  # an attribute of the module that made it
                    owner = measure.var.rpartition(".")[0]
                    var = measure.var if position == 0 else f"{owner}.{var}"
                method = INSTRUMENTS[kind][1]
                amount = cst.Integer("1") if kind == "count" else value
                args = [cst.Arg(amount)] + ([cst.Arg(attrs)] if attributes else [])
                instrument = cst.parse_expression(var)
                call = cst.Call(cst.Attribute(instrument, cst.Name(method)), args)
                lines.append(cst.SimpleStatementLine([cst.Expr(call)]))
        return lines

    # -- helpers ----------------------------------------------------------------------------
    def _role(self, node: cst.BaseExpression) -> Optional[str]:
        """``stats``, ``view_manager`` or ``recorder`` for OpenCensus' stats singleton and its
        parts, through local names bound to them."""
        names = self._names(node)
        if STATS_SINGLETON in names:
            return "stats"
        for suffix, role in ((".view_manager", "view_manager"), (".stats_recorder", "recorder")):
            if STATS_SINGLETON + suffix in names:
                return role
        if isinstance(node, cst.Attribute) and self._role(node.value) == "stats":
            return {"view_manager": "view_manager", "stats_recorder": "recorder"}.get(
                node.attr.value
            )
        if isinstance(node, cst.Name):
            values = self._host.bound_values(node)
            passed = None if values else self._host.passed_parameter(node, self._exported)
            roles = {self._role(v) for v in (passed.arguments if passed else values)}
            found = roles.pop() if len(roles) == 1 else None
            if passed is not None and found is not None:
                self._passed[passed.param] = passed
            return found
        return None

    def _exported(self, name: str) -> bool:
        """Whether another project module imports ``name`` (no, for a file migrated alone)."""
        return self._shared_lookup is not None and self._shared_lookup.exported(name)

    def _string(self, call: cst.Call, keyword_name: str, position: int) -> str:
        given = arg(call, keyword_name, position)
        if given is None:
            raise Unsupported(f"no literal {keyword_name}")
        return self._literal_string(given.value)

    def _literal_string(self, node: cst.BaseExpression) -> str:
        """A name, description or unit: a string literal, or a module constant holding one
        (``VIDEO_SIZE_VIEW_NAME``, OpenCensus' example)."""
        value = constant(node, self._host.bound_values)
        if not isinstance(value, str):
            raise Unsupported("a measure or view name, description or unit is not a constant")
        return value


def _number(value: Union[int, float]) -> cst.BaseExpression:
    """The literal of a computed bucket bound."""
    return cst.Float(repr(value)) if isinstance(value, float) else cst.Integer(str(value))


def instrument_name(name: str) -> str:
    """An OpenTelemetry instrument name for an OpenCensus measure name. Those are free text
    ("added tasks"); instrument names are ``[A-Za-z][-_./A-Za-z0-9]{0,254}`` (an invalid one
    gives no instrument at all), so other characters become ``_`` and a name that does not
    start with a letter gets ``m_`` before it. A View then keeps the OpenCensus name."""
    cleaned = _NOT_IN_NAMES.sub("_", name)
    if not _LETTER.match(cleaned):
        cleaned = "m_" + cleaned
    return cleaned[:255]


_NOT_IN_NAMES = re.compile(r"[^-_./a-zA-Z0-9]")
_LETTER = re.compile(r"[a-zA-Z]")


def has_stats(module: cst.Module, names: Callable[[cst.CSTNode], set[str]]) -> bool:
    """Whether the module makes measures or measurement maps, puts into one (made by another
    module), or registers stats exporters."""
    return any(
        isinstance(n, cst.Call)
        and (
            bool(names(n.func) & MEASURES)
            or (isinstance(n.func, cst.Attribute) and n.func.attr.value in _STATS_METHODS)
        )
        for n in walk(module)
    )


_STATS_METHODS = frozenset(
    {"new_measurement_map", "register_exporter", "measure_int_put", "measure_float_put"}
)


def _owners(module: cst.Module) -> dict[cst.CSTNode, cst.CSTNode]:
    """Each statement inside a function or class -> the innermost one (module-level ones are
    not in it)."""
    owners: dict[cst.CSTNode, cst.CSTNode] = {}
    for owner in walk(module):  # parents first: an inner definition overrides its outer one
        if isinstance(owner, (cst.FunctionDef, cst.ClassDef)):
            for node in walk(owner.body):
                if isinstance(node, cst.BaseStatement):
                    owners[node] = owner
    return owners


def _is_import(statement: cst.CSTNode) -> bool:
    small = _single(statement)
    return isinstance(small, (cst.Import, cst.ImportFrom))


def _constant(statement: cst.CSTNode, key: cst.SimpleString) -> cst.SimpleStatementLine:
    """``KEY = TagKey("k")`` -> ``KEY = "k"`` (the attribute key)."""
    assert isinstance(statement, cst.SimpleStatementLine)
    small = statement.body[0]
    assert isinstance(small, cst.Assign)
    return statement.with_changes(body=[small.with_changes(value=key)])


def _tag_map_made(assign: cst.Assign, names: Callable[[cst.CSTNode], set[str]]) -> Optional[str]:
    """The name ``assign`` binds to a new, empty ``TagMap()``, if it does."""
    target = assign.targets[0].target if len(assign.targets) == 1 else None
    value = assign.value
    if (
        isinstance(target, cst.Name)
        and isinstance(value, cst.Call)
        and not value.args
        and TAG_MAP in names(value.func)
    ):
        return target.value
    return None


def _names_tag_context(module: cst.Module) -> bool:
    return any(
        (isinstance(n, cst.Name) and n.value == "TagContext")
        or (isinstance(n, cst.Attribute) and n.attr.value == "TagContext")
        for n in walk(module)
    )


def _mentioned_later(body: list[cst.BaseStatement], index: int) -> bool:
    """Whether a module-level statement after ``body[index]`` (not a definition) names what
    it binds."""
    name = _target(body[index])
    return any(
        _mentions(line, {name})
        for line in body[index + 1 :]
        if not isinstance(line, (cst.FunctionDef, cst.ClassDef))
    )


def _made_tag_map(value: cst.BaseExpression, names: Callable[[cst.CSTNode], set[str]]) -> bool:
    return isinstance(value, cst.Call) and not value.args and TAG_MAP in names(value.func)


def _record_after_branches(body: list[cst.BaseStatement], index: int, mmap: str) -> Optional[int]:
    """Where ``body`` records ``mmap`` (made at ``index``) after an ``if`` that uses it, if so."""
    end = next(
        (i for i in range(index + 1, len(body)) if method_of(body[i], mmap) == "record"), None
    )
    if end is None:
        return None
    branched = any(isinstance(s, cst.If) and _mentions(s, {mmap}) for s in body[index + 1 : end])
    return end if branched else None


def _is_record(statement: cst.CSTNode) -> bool:
    small = _single(statement)
    call = small.value if isinstance(small, cst.Expr) else None
    return (
        isinstance(call, cst.Call)
        and isinstance(call.func, cst.Attribute)
        and call.func.attr.value == "record"
    )


def _reads_aggregates(statement: cst.CSTNode, mmap: str) -> bool:
    """Whether ``statement`` reads ``mmap.measure_to_view_map`` (OpenCensus' aggregates)."""
    return any(
        isinstance(n, cst.Attribute)
        and isinstance(n.value, cst.Name)
        and n.value.value == mmap
        and n.attr.value == AGGREGATES
        for n in walk(statement)
    )


def _method_handed_on(statement: cst.CSTNode, mmap: str) -> Optional[str]:
    """The method of ``mmap`` that ``statement`` gives another call as an argument
    (``timed(mmap.record, tags)``), if any."""
    for node in walk(statement):
        value = node.value if isinstance(node, cst.Arg) else None
        if (
            isinstance(value, cst.Attribute)
            and isinstance(value.value, cst.Name)
            and value.value.value == mmap
        ):
            return value.attr.value
    return None


def _mentions(statement: cst.CSTNode, names: set[str]) -> bool:
    return any(isinstance(n, cst.Name) and n.value in names for n in walk(statement))


def _same_code(first: list[cst.BaseExpression], second: list[cst.BaseExpression]) -> bool:
    return len(first) == len(second) and all(a.deep_equals(b) for a, b in zip(first, second))


def _single(statement: cst.CSTNode) -> Union[cst.BaseSmallStatement, None]:
    if isinstance(statement, cst.SimpleStatementLine) and len(statement.body) == 1:
        return statement.body[0]
    return None


def _target(statement: cst.CSTNode) -> str:
    """The name a one-name assignment statement binds."""
    small = _single(statement)
    assert isinstance(small, cst.Assign)
    target = small.targets[0].target
    return target.value if isinstance(target, cst.Name) else ""
