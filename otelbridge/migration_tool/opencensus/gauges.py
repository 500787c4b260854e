"""OpenCensus' metrics API (gauges and cumulatives) -> OpenTelemetry instruments, for one module.

``LongGauge``/``DoubleGauge`` become a ``Gauge`` when their series are only ``set()``, an
``UpDownCounter`` when only ``add()``-ed to (a note says its stream is now a non-monotonic sum);
``LongCumulative``/``DoubleCumulative`` become a ``Counter``. A series (``point =
gauge.get_or_create_time_series([LabelValue("x")])``) is no object of its own in OpenTelemetry:
each ``point.add(v)``/``point.set(v)`` writes the instrument with the series' attributes, the
label keys zipped with its values (a key written in place, ``LabelKey("queue", ...)``, or held in
a module-level name used only in gauges' key lists, which goes with them). ``Derived*`` gauges and
cumulatives become observable ones whose callback observes each ``create_time_series(values,
func)`` series. ``Registry()`` and ``add_gauge`` go: the instruments report through the global
``MeterProvider``.

A module's gauges convert together or not at all: gauges, series, derived series and the
registry made at module level, series used only through ``add``/``set`` statements. Anything else
(a registry read or handed to an exporter thread, a gauge passed on, label values computed at
module level) keeps them on OpenCensus, and the leftover pass marks each site with the reason.
"""

from __future__ import annotations

import dataclasses
from typing import TYPE_CHECKING, Callable, Optional

import libcst as cst

from otelbridge.migration_tool.findings import TODO_PREFIX, Finding
from otelbridge.migration_tool.transforms.arguments import keyword
from otelbridge.migration_tool.transforms.base import arg, has_star_args, literal
from otelbridge.migration_tool.walk import walk

if TYPE_CHECKING:
    from otelbridge.migration_tool.opencensus.traces import OpenCensusTraces

_GAUGE = "opencensus.metrics.export.gauge."
_CUMULATIVE = "opencensus.metrics.export.cumulative."
#: OpenCensus metric classes -> (derived, cumulative).
KINDS = {
    _GAUGE + "LongGauge": (False, False),
    _GAUGE + "DoubleGauge": (False, False),
    _CUMULATIVE + "LongCumulative": (False, True),
    _CUMULATIVE + "DoubleCumulative": (False, True),
    _GAUGE + "DerivedLongGauge": (True, False),
    _GAUGE + "DerivedDoubleGauge": (True, False),
    _CUMULATIVE + "DerivedLongCumulative": (True, True),
    _CUMULATIVE + "DerivedDoubleCumulative": (True, True),
}
REGISTRY = _GAUGE + "Registry"
EXPORTER_THREAD = "opencensus.metrics.transport.get_exporter_thread"
LABEL_KEY = "opencensus.metrics.label_key.LabelKey"
LABEL_VALUE = "opencensus.metrics.label_value.LabelValue"
_PARAMETERS = ("name", "description", "unit", "label_keys")
_SERIES = ("get_or_create_time_series", "get_or_create_default_time_series")
_DERIVED_SERIES = ("create_time_series", "create_default_time_series")
UP_DOWN_NOTE = (
    "{} was an OpenCensus gauge only added to: an UpDownCounter now, exported as a "
    "non-monotonic sum (set() it instead to keep a gauge)"
)
PROVIDER_NOTE = (
    "these instruments report through the global MeterProvider: give it readers "
    "(configure(metric_readers=...) or OTEL_METRICS_EXPORTER)"
)
NONE_NOTE = "OpenCensus skipped a series whose function returned None; the callback must not"


class Unsupported(Exception):
    """Why the module's gauges stay OpenCensus."""


@dataclasses.dataclass
class _Metric:
    statement: cst.SimpleStatementLine
    call: cst.Call
    keys: list[str]
    derived: bool
    cumulative: bool
    #: derived series: (attributes, the function's call)
    observed: list[tuple[cst.Dict, cst.Call]] = dataclasses.field(default_factory=list)
    methods: set[str] = dataclasses.field(default_factory=set)


class Gauges:
    """Reads and converts the gauges of one module for :class:`OpenCensusTraces`."""

    def __init__(self, transform: OpenCensusTraces, names: Callable[[cst.CSTNode], set[str]]):
        self._t = transform
        self._names = names
        self._metrics: dict[str, _Metric] = {}
        #: series variable -> (its metric's variable, its attributes)
        self._series: dict[str, tuple[str, cst.Dict]] = {}
        self._registries: set[str] = set()
        #: module-level ``LabelKey`` variables -> their key
        self._label_keys: dict[str, str] = {}
        #: statements that go, and ``add``/``set`` statements -> (metric, attributes, call)
        self._removed: list[cst.CSTNode] = []
        self._writes: dict[cst.SimpleStatementLine, tuple[str, cst.Dict, cst.Call]] = {}

    def plan(self, module: cst.Module) -> None:
        if not any(
            isinstance(node, cst.Call) and self._names(node.func) & KINDS.keys()
            for node in walk(module)
        ):
            return
        try:
            self._read_module_level(module)
            self._read_uses(module)
            self._check_convertible()
        except Unsupported as exc:
            self._t.note_gauges_kept(str(exc))
            return
        self._apply()

    # -- reading ------------------------------------------------------------------------------
    def _read_module_level(self, module: cst.Module) -> None:
        for statement in module.body:
            small = _single(statement)
            if isinstance(small, cst.Assign) and isinstance(small.value, cst.Call):
                target = small.targets[0].target if len(small.targets) == 1 else None
                if isinstance(target, cst.Name):
                    self._read_binding(statement, target.value, small.value)
            elif isinstance(small, cst.Expr) and isinstance(small.value, cst.Call):
                self._read_call_statement(statement, small.value)

    def _read_binding(self, statement: cst.CSTNode, var: str, call: cst.Call) -> None:
        assert isinstance(statement, cst.SimpleStatementLine)
        names = self._names(call.func)
        if LABEL_KEY in names:
            key = self._label_key(call)
            if key is not None and var not in self._label_keys:
                self._label_keys[var] = key
                self._removed.append(statement)
            return
        kind = next((KINDS[n] for n in names if n in KINDS), None)
        if kind is not None:
            if len(call.args) != len(_PARAMETERS) or any(
                arg(call, name, index) is None for index, name in enumerate(_PARAMETERS)
            ):
                raise Unsupported("a gauge is made without its name, description, unit and keys")
            self._metrics[var] = _Metric(statement, call, self._keys(call), *kind)
            return
        if REGISTRY in names and not call.args:
            self._registries.add(var)
            self._removed.append(statement)
            return
        owner = self._receiver(call, _SERIES)
        if owner is not None and not self._metrics[owner].derived:
            attributes = self._attributes(self._metrics[owner], call, True)
            self._series[var] = (owner, attributes)
            self._removed.append(statement)

    def _read_call_statement(self, statement: cst.CSTNode, call: cst.Call) -> None:
        func = call.func
        if (
            isinstance(func, cst.Attribute)
            and func.attr.value == "add_gauge"
            and isinstance(func.value, cst.Name)
            and func.value.value in self._registries
        ):
            self._removed.append(statement)
            return
        owner_var = self._receiver(call, _DERIVED_SERIES)
        owner = self._metrics[owner_var] if owner_var is not None else None
        if owner is None or not owner.derived:
            return
        default = cst.ensure_type(func, cst.Attribute).attr.value == "create_default_time_series"
        function = arg(call, "func", 0 if default else 1)
        extra = [a for a in call.args[(1 if default else 2) :] if a.keyword is not None]
        if (
            function is None
            or has_star_args(call)
            or len(call.args) != (1 if default else 2) + len(extra)
        ):
            raise Unsupported("a derived series is made with arguments the migration cannot read")
        observed = cst.Call(
            function.value, [a.with_changes(comma=cst.MaybeSentinel.DEFAULT) for a in extra]
        )
        owner.observed.append((self._attributes(owner, call, True), observed))
        self._removed.append(statement)

    def _receiver(self, call: cst.Call, methods: tuple[str, ...]) -> Optional[str]:
        """The gauge variable ``call`` calls one of ``methods`` on, if it is one."""
        func = call.func
        if (
            isinstance(func, cst.Attribute)
            and func.attr.value in methods
            and isinstance(func.value, cst.Name)
            and func.value.value in self._metrics
        ):
            return func.value.value
        return None

    def _keys(self, call: cst.Call) -> list[str]:
        given = arg(call, "label_keys", 3)
        if (
            has_star_args(call)
            or given is None
            or not isinstance(given.value, (cst.List, cst.Tuple))
        ):
            raise Unsupported("a gauge's label keys are not written as a list of LabelKey(...)")
        keys = []
        for element in given.value.elements:
            key = element.value
            if isinstance(key, cst.Name) and key.value in self._label_keys:
                keys.append(self._label_keys[key.value])
                continue
            value = self._label_key(key) if isinstance(key, cst.Call) else None
            if value is None:
                raise Unsupported("a gauge's label keys are not written as LabelKey('key', ...)")
            keys.append(value)
        return keys

    def _label_key(self, call: cst.Call) -> Optional[str]:
        """The key of ``LabelKey('key', ...)`` written as a literal."""
        if LABEL_KEY not in self._names(call.func):
            return None
        name = arg(call, "key", 0)
        value = literal(name.value) if name is not None else NotImplemented
        return value if isinstance(value, str) else None

    def _attributes(self, metric: _Metric, call: cst.Call, constant: bool) -> cst.Dict:
        """The series' attributes: the label keys with the ``LabelValue(v)`` values (a ``None``
        value is absent, as OpenCensus exports it); ``constant``: literals only (the series is
        made at module level and its writes are elsewhere)."""
        method = cst.ensure_type(call.func, cst.Attribute).attr.value
        if method.endswith("default_time_series"):
            return cst.Dict([])
        given = arg(call, "label_values", 0)
        if given is None or not isinstance(given.value, (cst.List, cst.Tuple)):
            raise Unsupported("a series' label values are not written as a list of LabelValue(...)")
        values = [element.value for element in given.value.elements]
        if len(values) != len(metric.keys):
            raise Unsupported("a series gives a different number of label values than keys")
        elements = []
        for key, value in zip(metric.keys, values):
            inner = arg(value, "value", 0) if isinstance(value, cst.Call) else None
            if not (isinstance(value, cst.Call) and LABEL_VALUE in self._names(value.func)):
                raise Unsupported("a series' label values are not written as LabelValue(...)")
            if inner is None or literal(inner.value) is None:
                continue
            if constant and literal(inner.value) is NotImplemented:
                raise Unsupported("a series made at module level has label values computed there")
            elements.append(cst.DictElement(self._t.string(key), inner.value))
        return cst.Dict(elements)

    def _read_uses(self, module: cst.Module) -> None:
        """Every use of a gauge, series or registry must be in a statement
        :meth:`_read_module_level` understood, or an ``add``/``set`` statement."""
        taken = {*self._removed, *(metric.statement for metric in self._metrics.values())}
        for node in walk(module):
            if not (isinstance(node, cst.Name) and self._is_ours(node.value)):
                continue
            statement = self._t.enclosing_statement(node)
            if statement in taken or statement in self._writes:
                continue
            small = _single(statement)
            call = small.value if isinstance(small, cst.Expr) else None
            if not (
                isinstance(statement, cst.SimpleStatementLine)
                and isinstance(call, cst.Call)
                and self._write(statement, call)
            ):
                raise Unsupported(self._use_reason(node.value, statement))

    def _use_reason(self, var: str, statement: cst.CSTNode) -> str:
        if any(
            isinstance(node, cst.Call) and EXPORTER_THREAD in self._names(node.func)
            for node in walk(statement)
        ):
            return (
                f"{var!r} is handed to an OpenCensus exporter thread: give the MeterProvider "
                "that exporter's OpenTelemetry reader (configure(metric_readers=[...]))"
            )
        return f"{var!r} is used in a way the migration cannot follow"

    def _check_convertible(self) -> None:
        """What :meth:`_read_uses` found has an OpenTelemetry instrument, and no other module
        reads the names that go."""
        for var in [*self._metrics, *self._series, *self._registries, *self._label_keys]:
            if self._t.imported_elsewhere(var):
                raise Unsupported(f"another module of the project imports {var!r}")
        for var, metric in self._metrics.items():
            if metric.cumulative and "set" in metric.methods:
                raise Unsupported(
                    f"{var!r} is a cumulative set to values: use an observable counter for a "
                    "total read from elsewhere"
                )
            if metric.methods == {"add", "set"}:
                raise Unsupported(
                    f"{var!r} is both set and added to: no OpenTelemetry instrument does both"
                )

    def _is_ours(self, name: str) -> bool:
        return (
            name in self._metrics
            or name in self._series
            or name in self._registries
            or name in self._label_keys
        )

    def _write(self, statement: cst.SimpleStatementLine, call: cst.Call) -> bool:
        """``series.add(v)``/``.set(v)``, or ``gauge.get_or_create_time_series(...).add(v)``."""
        func = call.func
        if not (
            isinstance(func, cst.Attribute)
            and func.attr.value in ("add", "set")
            and len(call.args) == 1
            and not call.args[0].star
            and call.args[0].keyword is None
        ):
            return False
        receiver = func.value
        if isinstance(receiver, cst.Name) and receiver.value in self._series:
            metric_var, attributes = self._series[receiver.value]
        elif isinstance(receiver, cst.Call) and (owner := self._receiver(receiver, _SERIES)):
            if self._metrics[owner].derived or has_star_args(receiver):
                return False
            metric_var = owner
            attributes = self._attributes(self._metrics[owner], receiver, False)
        else:
            return False
        self._metrics[metric_var].methods.add(func.attr.value)
        self._writes[statement] = (metric_var, attributes, call)
        return True

    # -- writing ------------------------------------------------------------------------------
    def _apply(self) -> None:
        t = self._t
        notes: list[tuple[str, cst.CSTNode]] = []
        for index, (var, metric) in enumerate(self._metrics.items()):
            own: list[tuple[str, cst.CSTNode]] = []
            if index == 0:  # said once, above the first instrument
                own.append((PROVIDER_NOTE, metric.statement))
            create = self._instrument(var, metric, own)
            comments = [
                cst.EmptyLine(indent=True, comment=cst.Comment(TODO_PREFIX + note))
                for note, _ in own
            ]
            line = metric.statement.with_changes(
                body=[cst.Assign([cst.AssignTarget(cst.Name(var))], create)],
                leading_lines=[*metric.statement.leading_lines, *comments],
            )
            t.replace_statement(metric.statement, [line])
            notes += own
        for statement in self._removed:
            t.replace_statement(statement, [])
        for statement, (var, attributes, call) in self._writes.items():
            method = cst.ensure_type(call.func, cst.Attribute).attr.value
            args = [call.args[0].with_changes(comma=cst.MaybeSentinel.DEFAULT)]
            if attributes.elements:
                args.append(cst.Arg(attributes))
            written = cst.Call(cst.Attribute(cst.Name(var), cst.Name(method)), args)
            small = cst.ensure_type(statement.body[0], cst.Expr)
            t.replace_statement(
                statement, [statement.with_changes(body=[small.with_changes(value=written)])]
            )
        for note, where in notes:
            t.state.findings.append(Finding("opencensus-note", note, *t.state.position(where)))

    def _instrument(
        self, var: str, metric: _Metric, notes: list[tuple[str, cst.CSTNode]]
    ) -> cst.Call:
        t = self._t
        metrics = t.otel(metric.statement, "opentelemetry", "metrics")
        if metric.derived:
            create = "create_observable_counter" if metric.cumulative else "create_observable_gauge"
        elif metric.cumulative:  # only added to (see _check_convertible)
            create = "create_counter"
        elif metric.methods == {"add"}:
            create = "create_up_down_counter"
            notes.append((UP_DOWN_NOTE.format(var), metric.statement))
        else:
            create = "create_gauge"
        given = {name: arg(metric.call, name, index) for index, name in enumerate(_PARAMETERS)}
        args = [cst.Arg(given["name"].value)]  # type: ignore[union-attr]  # _keys read them all
        for name in ("unit", "description"):
            args.append(keyword(name, given[name].value))  # type: ignore[union-attr]
        if metric.derived:
            observation = f"{metrics}.Observation"
            observed = cst.List(
                [
                    cst.Element(
                        cst.Call(
                            cst.parse_expression(observation),
                            [cst.Arg(call), *([cst.Arg(a)] if a.elements else [])],
                        )
                    )
                    for a, call in metric.observed
                ]
            )
            callback = cst.Lambda(cst.Parameters([cst.Param(cst.Name("options"))]), observed)
            args.append(keyword("callbacks", cst.List([cst.Element(callback)])))
            notes.append((NONE_NOTE, metric.statement))
        meter = cst.parse_expression(f"{metrics}.get_meter(__name__).{create}")
        return cst.Call(meter, args)


def _single(statement: cst.CSTNode) -> Optional[cst.BaseSmallStatement]:
    if isinstance(statement, cst.SimpleStatementLine) and len(statement.body) == 1:
        return statement.body[0]
    return None
