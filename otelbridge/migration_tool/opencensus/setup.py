"""``Tracer(sampler=, exporter=, propagator=)`` -> one ``otelbridge.sdk.configure(...)`` at set-up.

An OpenCensus ``Tracer`` carries its sampler, exporter and propagator; OpenTelemetry keeps them in
the SDK set-up, made once per process. The ``configure()`` call goes at module level: before the
``Tracer`` statement if that is at module level, else right after the last module-level binding of
a name its arguments use (a ``Tracer`` built per request must not configure per request).

OpenCensus samples 1 trace in 10 000 unless told otherwise; OpenTelemetry records everything. The
OpenCensus default is therefore written out (``parentbased_traceidratio``, ``1e-4``) with a note,
so span volume does not jump by four orders of magnitude on the day of the migration.
"""

from __future__ import annotations

import dataclasses
from typing import Callable, Literal, Optional, Union, cast

import libcst as cst
from libcst.metadata import Assignment, GlobalScope

from otelbridge.migration_tool.opencensus.analysis import ModuleFacts
from otelbridge.migration_tool.opencensus.cloud_role import processor_settings
from otelbridge.migration_tool.opencensus.names import (
    DEFAULT_RATE,
    PROPAGATORS,
    SAMPLERS,
    TRACE_EXPORTERS,
    TRANSPORTS,
)
from otelbridge.migration_tool.opencensus.remote_parent import (
    HELD_NOTE,
    bound_propagator,
    held_setup,
    remote_parent,
)
from otelbridge.migration_tool.opencensus.span_parameters import PassedParameter, passed_parameter
from otelbridge.migration_tool.transforms.arguments import keyword
from otelbridge.migration_tool.transforms.base import (
    LegacyTransform,
    arg,
    has_star_args,
    literal,
    string,
)
from otelbridge.migration_tool.walk import walk

NO_EQUIVALENT = "this exporter has no known OpenTelemetry equivalent"

#: A middleware's application argument, which may be given by name (``FlaskMiddleware(app=app)``).
APP_KEYWORD = "app"
DEFAULT_SAMPLER_NOTE = (
    "OpenCensus' default sampler kept (1 trace in 10 000): raise sampler_arg, or use "
    "'parentbased_always_on', to record more"
)
NO_EXPORTER_NOTE = (
    "{} had no exporter (OpenCensus printed spans): OTEL_TRACES_EXPORTER now decides"
)
CHOSEN_EXPORTER_NOTE = (
    "OpenCensus printed spans when `{}` was {} (the exporter None): none are exported then now"
)


#: The ``Tracer`` arguments that are the SDK's set-up.
_PARTS = ("sampler", "exporter", "propagator")


@dataclasses.dataclass
class Setup:
    """What one ``Tracer(...)`` contributes to ``configure()``."""

    sampler: str
    rate: Optional[cst.BaseExpression]
    exporter: Optional[cst.Call]
    #: the exporter's :data:`TRACE_EXPORTERS` key
    exporter_name: str
    #: ``OTEL_PROPAGATORS`` name for ``configure(propagators=)`` ("": the default ones)
    propagator: str
    notes: list[str]
    #: the module-level statement ``configure()`` goes after (``None``: before the Tracer's own)
    anchor: Optional[cst.CSTNode]
    #: ``span_context=name``: the name, bound to ``propagator.from_headers(h)`` (see
    #: :mod:`.remote_parent`), and that call
    parent: Optional[cst.Name] = None
    extract: Optional[cst.Call] = None
    #: whether a ``configure()`` is written (no: the set-up is held in values the codemod
    #: cannot move, such as ``self.sampler``, and the notes say where it goes)
    moved: bool = True
    #: ``exporter = StackdriverExporter(...)`` statements whose value moved into ``configure()``
    #: (a sampler or exporter bound to a name read only by this set-up): they go
    bindings: list[cst.SimpleStatementLine] = dataclasses.field(default_factory=list)
    #: parameters of the function around the set-up that only carried a set-up value in from
    #: its one call (``def start(exporter): FlaskMiddleware(app, exporter=exporter)``): that
    #: value moved into ``configure()``, so the parameter and the call's argument go
    parameters: list[PassedParameter] = dataclasses.field(default_factory=list)
    #: resource attributes the set-up carried elsewhere (the OpenCensus agent's service and
    #: host name, Azure's cloud role), for ``configure()``
    resource: dict[str, cst.BaseExpression] = dataclasses.field(default_factory=dict)
    #: ``X(...) if condition else None`` (either way round) when the exporter was chosen so:
    #: ``configure(span_exporters=[...] if condition else [])``
    exporter_choice: Optional[cst.IfExp] = None
    #: ``configure(span_processor=)`` for the exporter's transport ("": none given, the default)
    span_processor: str = ""


class SetupMapper:
    """Maps ``Tracer(...)`` calls of one module; ``blocker`` says why one cannot move."""

    def __init__(
        self, facts: ModuleFacts, exported: Callable[[str], bool] = lambda name: True
    ) -> None:
        """``exported(name)``: whether another module may import ``name`` from this one."""
        self._exported = exported
        self._module = facts.module
        self._scopes = facts.scopes
        self._parents = facts.parents
        self._names = facts.names
        self.setups: dict[cst.Call, Setup] = {}

    def blocker(
        self,
        call: cst.Call,
        positional: int = 0,
        what: str = "Tracer",
        order: tuple[str, ...] = (),
        in_place: bool = False,
    ) -> str:
        """Why ``call`` (a ``Tracer``, or a middleware taking ``positional`` leading arguments
        such as the app) cannot move to ``configure()``; "" once mapped into :attr:`setups`.
        ``order`` names the set-up arguments the call takes by position after those.
        ``in_place``: a set-up that may configure where it is, in a function if its values are
        local there (a ``Tracer(...)`` statement; it takes no remote parent)."""
        try:
            self.setups[call] = self._map(call, positional, what, order, in_place)
        except ValueError as exc:
            return str(exc)
        return ""

    def _map(
        self, call: cst.Call, positional: int, what: str, order: tuple[str, ...], in_place: bool
    ) -> Setup:
        if has_star_args(call):
            raise ValueError(f"{what}(*args) cannot be mapped")
        notes: list[str] = []
        parent: Optional[tuple[cst.Name, cst.Call]] = None
        for index, item in enumerate(call.args):
            if _stays(index, item, positional):
                continue
            if item.keyword is None:
                if index < positional + len(order):
                    continue
                raise ValueError(f"{what}() positional arguments are not mapped")
            if item.keyword.value == "span_context" and what == "Tracer" and not in_place:
                parent = remote_parent(item.value, self._scopes, self._parents)
            if parent is None and item.keyword.value not in ("sampler", "exporter", "propagator"):
                raise ValueError(
                    f"{what}({item.keyword.value}=...) has no set-up equivalent "
                    "(a remote parent is passed as context= to start_as_current_span)"
                    if item.keyword.value == "span_context"
                    else f"{what}({item.keyword.value}=...) has no set-up equivalent"
                )
        place = {name: positional + index for index, name in enumerate(order)}
        name, extract = parent or (None, None)
        # a middleware's set-up moves into the configure() that replaces it, so it must map
        bindings: list[cst.SimpleStatementLine] = []
        parameters: list[PassedParameter] = []
        resource: dict[str, cst.BaseExpression] = {}
        written = {part: arg(call, part, place.get(part)) for part in _PARTS}
        given = {
            part: self._unbound(item, bindings, resource, notes, parameters)
            for part, item in written.items()
        }
        # a name bound once above to a call read by this set-up alone moves with it
        resolved = frozenset(part for part in _PARTS if given[part] is not written[part])
        held = held_setup(call, place, resolved) if what == "Tracer" else ""
        if held and written["exporter"] is not None:
            self._own_exporter(written["exporter"].value)
        if held:
            notes.append(HELD_NOTE.format(what, held))
            return Setup("", None, None, "", "", notes, None, name, extract, moved=False)
        mapped = self.values(given)
        notes += mapped.notes
        mapped.resource.update(resource)
        if extract is not None and given["propagator"] is None:
            mapped.propagator = self._reader(extract)
        try:
            anchor = self._anchor(call, positional)
        except ValueError:
            if what == "Tracer" and not in_place:  # made per request, maybe: no configure()
                raise
            # a middleware made in a function from its values (an app factory's settings): the
            # configure() goes just above it, where the application is set up once
            anchor = None
        return dataclasses.replace(
            mapped,
            notes=notes,
            anchor=anchor,
            parent=name,
            extract=extract,
            bindings=bindings,
            parameters=parameters,
        )

    def _own_exporter(self, held: cst.BaseExpression) -> None:
        """Raise ``ValueError`` when the exporter held in ``held`` (a name or ``self.x`` given
        its one value in the function) is made by a class OpenCensus does not have: the
        application's own (a test's capturing exporter) takes OpenCensus spans, which the shim
        keeps giving it, and no ``configure()`` exporter can stand in for it."""
        made = self._held_call(held)
        if made is None:
            return
        try:
            self._exporter(cst.Arg(made), [], "")
        except ValueError as exc:
            if str(exc) == NO_EQUIVALENT:
                shown = cst.Module([]).code_for_node(made.func)
                raise ValueError(
                    f"its exporter is the application's own ({shown}: it takes OpenCensus "
                    "spans, which the otelbridge shim keeps giving it)"
                ) from None

    def _held_call(self, held: cst.BaseExpression) -> Optional[cst.Call]:
        """The call whose result ``held`` holds: a name bound once, or ``self.x`` assigned once
        in the function around it; None when it is not known."""
        if isinstance(held, cst.Name):
            scope = self._scopes.get(held)
            bindings = list(scope.assignments[held.value]) if scope is not None else []
            if len(bindings) != 1 or not isinstance(bindings[0], Assignment):
                return None
            assign = self._parents.get(self._parents.get(bindings[0].node))  # type: ignore[arg-type]
            values = [assign.value] if isinstance(assign, cst.Assign) else []
        elif isinstance(held, cst.Attribute) and isinstance(held.value, cst.Name):
            function: Optional[cst.CSTNode] = held
            while function is not None and not isinstance(function, cst.FunctionDef):
                function = self._parents.get(function)
            if function is None:
                return None
            values = [
                node.value
                for node in walk(function)
                if isinstance(node, cst.Assign)
                and any(held.deep_equals(t.target) for t in node.targets)
            ]
        else:
            return None
        return values[0] if len(values) == 1 and isinstance(values[0], cst.Call) else None

    def values(self, given: dict[str, Optional[cst.Arg]], holder: str = "this Tracer") -> Setup:
        """The set-up of a sampler, exporter and propagator (by :data:`_PARTS` name; a missing
        one is OpenCensus' default), ``configure()`` going where the caller puts it; raises
        ``ValueError`` for one without an OpenTelemetry equivalent. Django's settings give them
        as values, not as a call's arguments (``holder`` names what held them, for the notes)."""
        notes: list[str] = []
        sampler, rate = self._sampler(given.get("sampler"), notes)
        choice = _exporter_choice(given.get("exporter"))
        if choice is not None:
            given = {**given, "exporter": cst.Arg(_chosen_call(choice))}
            shown = cst.Module([]).code_for_node(choice.test)
            taken = "false" if isinstance(choice.body, cst.Call) else "true"
            notes.append(CHOSEN_EXPORTER_NOTE.format(shown, taken))
        without, span_processor = self._transport(given.get("exporter"))
        exporter, exporter_name = self._exporter(without, notes, holder)
        resource: dict[str, cst.BaseExpression] = {}
        if exporter is not None and exporter_name == OCAGENT_EXPORTER:
            exporter, resource = _agent_resource(exporter, notes)
        elif exporter is not None and exporter_name in _REMAPPED:
            exporter, resource = _REMAPPED[exporter_name][0](exporter) or (exporter, {})
        propagator = self._propagator(given.get("propagator"))
        return Setup(
            sampler,
            rate,
            exporter,
            exporter_name,
            propagator,
            notes,
            None,
            resource=resource,
            exporter_choice=choice,
            span_processor=span_processor,
        )

    def _transport(self, given: Optional[cst.Arg]) -> tuple[Optional[cst.Arg], str]:
        """An exporter call's ``transport=`` taken out, and the span processor that sends the
        same way ("" when it is not given); ``ValueError`` for a transport OpenCensus does not
        have (the application's own may send in ways no processor does)."""
        value = given.value if given is not None else None
        if not isinstance(value, cst.Call):
            return given, ""
        transport = arg(value, "transport")  # by keyword: by position it is not mapped
        if given is None or transport is None:
            return given, ""
        found = [TRANSPORTS[n] for n in self._names(transport.value) if n in TRANSPORTS]
        if not found:
            shown = cst.Module([]).code_for_node(transport.value)
            raise ValueError(
                f"its exporter's transport={shown} has no OpenTelemetry equivalent (OpenCensus' "
                "AsyncTransport maps to the batch span processor, SyncTransport to the simple one)"
            )
        args = [a for a in value.args if a is not transport]
        if args:
            args[-1] = args[-1].with_changes(comma=cst.MaybeSentinel.DEFAULT)
        return given.with_changes(value=value.with_changes(args=args)), found[0]

    def bindings_of(self, call: cst.Call) -> list[cst.SimpleStatementLine]:
        """The statements binding names that only the set-up of ``call`` reads (its exporter
        made above it): they share its fate, whether or not it maps."""
        bindings: list[cst.SimpleStatementLine] = []
        for part in _PARTS:
            self._unbound(arg(call, part), bindings, {}, [])
        return bindings

    def _unbound(
        self,
        given: Optional[cst.Arg],
        bindings: list[cst.SimpleStatementLine],
        resource: dict[str, cst.BaseExpression],
        notes: list[str],
        parameters: Optional[list[PassedParameter]] = None,
    ) -> Optional[cst.Arg]:
        """A set-up argument given by a name bound once to a call, and read by this set-up only
        (``exporter = StackdriverExporter(...)`` above ``FlaskMiddleware(app, exporter=exporter)``):
        that call, its binding's statement added to ``bindings``; else ``given`` as it is. Reads
        that register a cloud-role telemetry processor (:mod:`.cloud_role`) go too, the resource
        attributes they set added to ``resource``. With ``parameters``, a parameter read by this
        set-up only, of a function called once (``start(StackdriverExporter())``), is that
        call's argument, the parameter added to ``parameters``."""
        if given is None or not isinstance(given.value, cst.Name):
            return given
        scope = self._scopes.get(given.value)
        if scope is None:
            return given
        accesses = [a for a in scope.accesses[given.value.value] if a.node is given.value]
        referents = list(accesses[0].referents) if len(accesses) == 1 else []
        if len(referents) == 1 and parameters is not None:
            passed = self._carried_in(given.value)
            if passed is not None:
                parameters.append(passed)
                return given.with_changes(value=passed.arguments[0])
        if len(referents) != 1 or not isinstance(referents[0], Assignment):
            return given
        binding = referents[0]
        assign_target = self._parents.get(binding.node)
        assign = self._parents.get(assign_target) if assign_target is not None else None
        statement = self._parents.get(assign) if assign is not None else None
        processors = []  # (statement, (resource attributes, note)) of each processor added
        for reference in binding.references:
            if reference.node is not given.value and isinstance(reference.node, cst.Name):
                top = self._top_statement(reference.node)
                found = processor_settings(top, reference.node, self._scopes)
                if found is not None:
                    processors.append((top, found))
        if (
            len(binding.references) != 1 + len(processors)
            or not isinstance(assign, cst.Assign)
            or len(assign.targets) != 1
            or (not isinstance(assign.value, cst.Call) and _choice(assign.value) is None)
            or not isinstance(statement, cst.SimpleStatementLine)
            or len(statement.body) != 1
        ):
            return given
        bindings.append(statement)
        for processor, (attributes, note) in processors:
            bindings.append(cast(cst.SimpleStatementLine, processor))
            resource.update(attributes)
            notes.append(note)
        return given.with_changes(value=assign.value)

    def _carried_in(self, name: cst.Name) -> Optional[PassedParameter]:
        """The parameter ``name`` reads, when the set-up is its only use and the one call of
        its function (a module-level function no other module imports) gives it a call."""
        passed = passed_parameter(name, self._scopes, self._parents, self._exported)
        if (
            passed is None
            or len(passed.uses) != 1
            or len(passed.arguments) != 1
            or not isinstance(passed.arguments[0], cst.Call)
        ):
            return None
        return passed

    def _reader(self, extract: cst.Call) -> str:
        """``configure(propagators=)`` for a Tracer made around ``P().from_headers(h)`` with
        OpenCensus' default propagator (W3C, for the headers it writes): the W3C ones, and the
        format ``P`` reads when it is another (a B3 caller stays in the trace)."""
        assert isinstance(extract.func, cst.Attribute)  # remote_parent(): P.from_headers(h)
        read = self._propagator(cst.Arg(extract.func.value))
        return f"tracecontext,baggage,{read}" if read else ""

    def _propagator(self, given: Optional[cst.Arg]) -> str:
        if given is None:
            return ""
        value = given.value
        bound = bound_propagator(value, self._scopes, self._parents, self._names)
        value = bound if bound is not None else value
        if isinstance(value, cst.Call) and not value.args:
            for name in self._names(value.func):
                if name in PROPAGATORS:
                    return PROPAGATORS[name]
        raise ValueError("this propagator has no OpenTelemetry equivalent in configure()")

    def _sampler(
        self, given: Optional[cst.Arg], notes: list[str]
    ) -> tuple[str, Optional[cst.BaseExpression]]:
        if given is None:
            notes.append(DEFAULT_SAMPLER_NOTE)
            return "parentbased_traceidratio", cst.Float(DEFAULT_RATE)
        value = given.value
        found = None
        if isinstance(value, cst.Call) and not has_star_args(value):
            found = next((SAMPLERS[n] for n in self._names(value.func) if n in SAMPLERS), None)
        if found is None:
            raise ValueError("this sampler has no OpenTelemetry equivalent in configure()")
        name, takes_rate = found
        if not takes_rate:
            return name, None
        rate = arg(cast(cst.Call, value), "rate", 0)  # found: a call
        if rate is None:
            notes.append(DEFAULT_SAMPLER_NOTE)
            return name, cst.Float(DEFAULT_RATE)
        return name, rate.value

    def _exporter(
        self, given: Optional[cst.Arg], notes: list[str], holder: str
    ) -> tuple[Optional[cst.Call], str]:
        if given is None:
            notes.append(NO_EXPORTER_NOTE.format(holder))
            return None, ""
        value = given.value
        if isinstance(value, cst.Call) and not has_star_args(value):
            for name in self._names(value.func):
                if name == OCAGENT_EXPORTER and _agent_arguments(value) is not None:
                    return value, name
                if name in _REMAPPED:
                    remap, unmapped = _REMAPPED[name]
                    if remap(value) is None:
                        raise ValueError(unmapped)
                    return value, name
                if name in TRACE_EXPORTERS:
                    kept = TRACE_EXPORTERS[name][2]
                    if all(a.keyword is not None and a.keyword.value in kept for a in value.args):
                        return value, name
                    raise ValueError(
                        f"{name.rsplit('.', 1)[1]} arguments other than "
                        f"{', '.join(sorted(kept)) or 'none'} are not mapped"
                    )
        raise ValueError(NO_EQUIVALENT)

    def anchor(self, call: cst.Call) -> Optional[cst.CSTNode]:
        """The module-level statement after which ``configure()`` can use ``call`` (``None``:
        the call is made by a module-level statement); ``ValueError`` if it uses local values."""
        return self._anchor(call, 0)

    def _anchor(self, call: cst.Call, positional: int) -> Optional[cst.CSTNode]:
        """Where ``configure()`` goes; the ``positional`` leading arguments (a middleware's app)
        stay with the call, so their values do not pin it."""
        statement = self._top_statement(call)
        if self._parents.get(statement) is self._module and self._is_direct(call, statement):
            return None
        anchor: Optional[cst.CSTNode] = None
        body: list[cst.CSTNode] = list(self._module.body)
        moved = [
            a
            for i, a in enumerate(call.args)
            if not _stays(i, a, positional)  # nor the remote parent: the span's context=
            and not (a.keyword is not None and a.keyword.value == "span_context")
        ]
        for node in (n for a in moved for n in walk(a)):
            if not isinstance(node, cst.Name):
                continue
            scope = self._scopes.get(node)
            if scope is None:
                continue
            for access in scope.accesses[node.value]:
                if access.node is not node:
                    continue
                for referent in access.referents:
                    if not isinstance(referent.scope, GlobalScope):
                        raise ValueError(
                            "Tracer() arguments use local values: configure() cannot move to "
                            "module level"
                        )
                    # a module-level binding: an assignment or an import (a kind of it)
                    top = self._top_statement(cast(Assignment, referent).node)
                    if top in body and (anchor is None or body.index(top) > body.index(anchor)):
                        anchor = top
        return anchor or self._last_import(body)

    def _is_direct(self, call: cst.Call, statement: cst.CSTNode) -> bool:
        """Whether the module-level ``statement`` runs the call (not a ``def`` that holds it)."""
        return not isinstance(statement, (cst.FunctionDef, cst.ClassDef))

    def _top_statement(self, node: cst.CSTNode) -> cst.CSTNode:
        while self._parents.get(node) is not None and self._parents.get(node) is not self._module:
            node = self._parents[node]
        return node

    @staticmethod
    def _last_import(body: list[cst.CSTNode]) -> Optional[cst.CSTNode]:
        last = None
        for statement in body:
            if isinstance(statement, cst.SimpleStatementLine) and isinstance(
                statement.body[0], (cst.Import, cst.ImportFrom)
            ):
                last = statement
        return last


def _choice(value: cst.BaseExpression) -> Optional[cst.IfExp]:
    """``value`` when it is ``X(...) if condition else None`` or ``None if condition else
    X(...)``: an exporter only some runs have (the key is set)."""
    if not isinstance(value, cst.IfExp):
        return None
    branches = (value.body, value.orelse)
    calls = [b for b in branches if isinstance(b, cst.Call)]
    nones = [b for b in branches if isinstance(b, cst.Name) and b.value == "None"]
    return value if len(calls) == 1 and len(nones) == 1 else None


def _exporter_choice(given: Optional[cst.Arg]) -> Optional[cst.IfExp]:
    return None if given is None else _choice(given.value)


def _chosen_call(choice: cst.IfExp) -> cst.Call:
    return cast(cst.Call, choice.body if isinstance(choice.body, cst.Call) else choice.orelse)


def _exporters_list(setup: Setup, built: cst.Call) -> cst.BaseExpression:
    """``[built]``, or for a chosen exporter the choice with ``[built]`` for its call and
    ``[]`` for its None."""
    exporters = cst.List([cst.Element(built)])
    choice = setup.exporter_choice
    if choice is None:
        return exporters
    if isinstance(choice.body, cst.Call):
        return choice.with_changes(body=exporters, orelse=cst.List([]))
    return choice.with_changes(body=cst.List([]), orelse=exporters)


def _stays(index: int, item: cst.Arg, positional: int) -> bool:
    """Whether ``item`` is one of the ``positional`` leading arguments of a middleware (its
    application, by position or as ``app=``), which stay with the call."""
    if item.keyword is None:
        return index < positional
    return bool(positional) and item.keyword.value == APP_KEYWORD


#: The OpenCensus agent's exporter: OTLP to the collector that replaced the agent.
OCAGENT_EXPORTER = "opencensus.ext.ocagent.trace_exporter.TraceExporter"
_AGENT_PARAMETERS = ("service_name", "host_name", "endpoint")
AGENT_ENDPOINT_NOTE = (
    "the OpenCensus agent's endpoint {} spoke OpenCensus' protocol: point "
    "OTEL_EXPORTER_OTLP_ENDPOINT at the collector's OTLP receiver (port 4317 by default)"
)


def _agent_arguments(call: cst.Call) -> Optional[dict[str, cst.BaseExpression]]:
    """The agent exporter's ``service_name``, ``host_name`` and ``endpoint`` by name (given by
    position or keyword), or ``None`` when it is given anything else (a client)."""
    return _arguments_by_name(call, _AGENT_PARAMETERS)


def _arguments_by_name(
    call: cst.Call, parameters: tuple[str, ...]
) -> Optional[dict[str, cst.BaseExpression]]:
    """``call``'s arguments by parameter name (``parameters`` in their order), or ``None`` when
    it is given one not among them."""
    found: dict[str, cst.BaseExpression] = {}
    for index, item in enumerate(call.args):
        if item.star:
            return None
        if item.keyword is None:
            if index >= len(parameters):
                return None
            found[parameters[index]] = item.value
        elif item.keyword.value in parameters:
            found[item.keyword.value] = item.value
        else:
            return None
    return found


def _agent_resource(
    exporter: cst.Call, notes: list[str]
) -> tuple[cst.Call, dict[str, cst.BaseExpression]]:
    """``TraceExporter(service_name, host_name=, endpoint=)`` -> an OTLP exporter with no
    arguments, and the ``service.name``/``host.name`` resource attributes (where OpenTelemetry
    keeps what the agent's node identity carried)."""
    given = _agent_arguments(exporter) or {}
    resource = {
        attribute: given[parameter]
        for parameter, attribute in (("service_name", "service.name"), ("host_name", "host.name"))
        if parameter in given
    }
    if "endpoint" in given:
        shown = cst.Module([]).code_for_node(given["endpoint"])
        notes.append(AGENT_ENDPOINT_NOTE.format(shown))
    return exporter.with_changes(args=[]), resource


#: OpenCensus' Zipkin exporter: ours, at the URL OpenCensus built from its parts, with the
#: service name as the ``service.name`` resource attribute (where OpenTelemetry's Zipkin
#: exporter takes the endpoint's service name from).
ZIPKIN_EXPORTER = "opencensus.ext.zipkin.trace_exporter.ZipkinExporter"
_ZIPKIN_PARAMETERS = ("service_name", "host_name", "port", "endpoint", "protocol")
ZIPKIN_UNMAPPED = (
    "ZipkinExporter arguments other than service_name, host_name, port, endpoint and protocol "
    "(or URL parts holding a backslash or both quotes) are not mapped"
)
#: The URL's parts in its order (``protocol://host_name:port endpoint``), with OpenCensus' defaults.
_ZIPKIN_URL = (
    ("protocol", "http", "://"),
    ("host_name", "localhost", ":"),
    ("port", 9411, ""),
    ("endpoint", "/api/v2/spans", ""),
)


def _zipkin(
    exporter: cst.Call,
) -> Optional[tuple[cst.Call, dict[str, cst.BaseExpression]]]:
    """``ZipkinExporter(service_name, host_name, port, endpoint, protocol)`` -> ours with the
    ``endpoint=`` URL (none when every part is OpenCensus' default, which is also ours) and the
    resource; ``None`` when it is given anything else (``ipv4``, ``ipv6``) or a part that an
    f-string cannot hold."""
    given = _arguments_by_name(exporter, _ZIPKIN_PARAMETERS)
    if given is None:
        return None
    resource = {"service.name": given["service_name"]} if "service_name" in given else {}
    if not any(part in given for part, _, _ in _ZIPKIN_URL):
        return exporter.with_changes(args=[]), resource
    pieces: list[Union[str, cst.BaseExpression]] = []  # text, and the parts given as code
    code = ""  # of those parts: an f-string holds no backslash, nor its own quote (< 3.12)
    for part, default, after in _ZIPKIN_URL:
        value = literal(given[part]) if part in given else default
        if isinstance(value, (str, int)) and not isinstance(value, bool):
            pieces += [str(value), after]
        else:
            pieces += [given[part], after]
            code += cst.Module([]).code_for_node(given[part])
    quote: Literal['"', "'"] = '"' if '"' not in code else "'"
    if quote in code or "\\" in code or "\n" in code:
        return None
    url: cst.BaseExpression
    if all(isinstance(piece, str) for piece in pieces):
        url = string("".join(cast("list[str]", pieces)))
    else:
        url = cst.FormattedString(
            [
                cst.FormattedStringText(piece.replace("{", "{{").replace("}", "}}"))
                if isinstance(piece, str)
                else cst.FormattedStringExpression(piece)
                for piece in pieces
                if piece != ""
            ],
            start="f" + quote,
            end=quote,
        )
    return exporter.with_changes(args=[keyword("endpoint", url)]), resource


#: OpenCensus' Jaeger exporter: ours (thrift to the agent over UDP) at the same agent, the service
#: name as ``service.name``; one sending to a collector over HTTP (``host_name``, ``port``, ...)
#: stays: prefer OTLP, which Jaeger takes natively.
JAEGER_EXPORTER = "opencensus.ext.jaeger.trace_exporter.JaegerExporter"
_JAEGER_PARAMETERS = (
    "service_name",
    "host_name",
    "port",
    "username",
    "password",
    "endpoint",
    "agent_host_name",
    "agent_port",
)
_JAEGER_KEPT = ("agent_host_name", "agent_port")
JAEGER_UNMAPPED = (
    "JaegerExporter arguments other than service_name, agent_host_name and agent_port are not "
    "mapped (a collector over HTTP: Jaeger takes OTLP natively, use the OTLP exporter)"
)


def _jaeger(exporter: cst.Call) -> Optional[tuple[cst.Call, dict[str, cst.BaseExpression]]]:
    """``JaegerExporter(service_name=, agent_host_name=, agent_port=)`` -> ours with the agent
    arguments and the resource; ``None`` when it is given anything else."""
    given = _arguments_by_name(exporter, _JAEGER_PARAMETERS)
    if given is None or set(given) - {"service_name", *_JAEGER_KEPT}:
        return None
    resource = {"service.name": given["service_name"]} if "service_name" in given else {}
    kept = [keyword(name, given[name]) for name in _JAEGER_KEPT if name in given]
    return exporter.with_changes(args=kept), resource


#: exporters whose arguments map one by one: what maps them, and why one that does not stays
_REMAPPED = {
    ZIPKIN_EXPORTER: (_zipkin, ZIPKIN_UNMAPPED),
    JAEGER_EXPORTER: (_jaeger, JAEGER_UNMAPPED),
}


def _resource_keywords(resource: dict[str, cst.BaseExpression]) -> list[cst.Arg]:
    """``service_name=`` and one ``resource_attributes={...}`` for the rest."""
    given = dict(resource)
    found = []
    if "service.name" in given:
        found.append(keyword("service_name", given.pop("service.name")))
    if given:
        elements = [cst.DictElement(cst.SimpleString(f'"{k}"'), v) for k, v in given.items()]
        found.append(keyword("resource_attributes", cst.Dict(elements)))
    return found


def configure_call(transform: LegacyTransform, node: cst.CSTNode, setup: Setup) -> cst.Call:
    """``configure(sampler=..., sampler_arg=..., span_exporters=[...])`` for one set-up."""
    args = [keyword("sampler", transform.string(setup.sampler))]
    if setup.rate is not None:
        args.append(keyword("sampler_arg", setup.rate))
    if setup.exporter is not None:
        module, cls, _, _ = TRACE_EXPORTERS[setup.exporter_name]
        local = transform.otel(node, module, cls)
        built = setup.exporter.with_changes(func=cst.Name(local))
        args.append(keyword("span_exporters", _exporters_list(setup, built)))
    if setup.span_processor:
        args.append(keyword("span_processor", transform.string(setup.span_processor)))
    if setup.propagator:
        args.append(keyword("propagators", transform.string(setup.propagator)))
    args += _resource_keywords(setup.resource)
    name = transform.otel(node, "otelbridge.sdk", "configure")
    return cst.Call(cst.Name(name), args)


def packages(transform: LegacyTransform, setup: Setup) -> list[str]:
    """The pip packages the mapped exporter needs (none for ours)."""
    package = TRACE_EXPORTERS[setup.exporter_name][3] if setup.exporter is not None else ""
    return [package] if package else []
