"""Which OpenCensus trace objects of one module can move to OpenTelemetry, all together.

A *group* is every binding of one name in one scope (in any order: a global bound below the
functions that use it is one group), or every store of a tracer held on an instance
(``self._tracer``, see :mod:`.instance_attributes`). A group holds OpenCensus tracers
(``Tracer(...)``, ``execution_context.get_opencensus_tracer()``) or spans (``start_span``, ``with
tracer.span()``, the current span). A group converts only if every binding and every use of it
converts; otherwise it stays OpenCensus as a whole (served by the OpenCensus shim), so a converted
object never meets an OpenCensus call. Groups depend on each other (a span made by a tracer, the
tracer whose ``start_span`` made it), so the decision is repeated until nothing changes.

Uses that do not need the object (``tracer.add_attribute_to_current_span``) convert whatever the
group's fate: they read the current span, which the shim shares with OpenTelemetry.
"""

from __future__ import annotations

import dataclasses
from typing import Callable, Iterator, Mapping, Optional, Sequence, Union, cast

import libcst as cst
from libcst.metadata import Assignment, ImportAssignment, Scope

from otelbridge.migration_tool.opencensus import events
from otelbridge.migration_tool.opencensus.handoffs import (
    START,
    function_of,
    handoffs,
    statement_of,
)
from otelbridge.migration_tool.opencensus.instance_attributes import instance_attributes
from otelbridge.migration_tool.opencensus.names import (
    GET_CURRENT_SPAN,
    GET_TRACER,
    PROPAGATORS,
    SPAN,
    SPAN_KIND,
    TRACER,
    TRACER_CLASS,
)
from otelbridge.migration_tool.opencensus.open_spans import OpenSpan, open_spans
from otelbridge.migration_tool.opencensus.remote_parent import bound_propagator
from otelbridge.migration_tool.opencensus.span_parameters import (
    HelperParameter,
    helper_parameters,
)
from otelbridge.migration_tool.opencensus.stack_traces import traceback_of
from otelbridge.migration_tool.opencensus.status import map_status
from otelbridge.migration_tool.transforms.base import arg, sole_assignment
from otelbridge.migration_tool.walk import walk

#: Tracer methods converted without the tracer object (they act on the current span).
CURRENT_SPAN_METHODS = frozenset({"add_attribute_to_current_span", "current_span"})
#: Span attribute stores with an OpenTelemetry method equivalent.
SPAN_STORES = frozenset({"name", "status", "span_kind", "stack_trace"})
Suite = Union[cst.Module, cst.IndentedBlock]
#: Tracer methods returning a span.
_SPAN_MAKERS = frozenset({"start_span", "span", "current_span"})
Use = Union[cst.Name, cst.Attribute]


@dataclasses.dataclass(eq=False)
class Group:
    kind: str
    scope: Scope
    name: str
    #: the value bound at each binding (``None`` literals are allowed and stay)
    values: list[cst.BaseExpression]
    #: its loads: names, or an instance attribute's ``self.tracer`` reads
    uses: list[Use]
    #: the binding targets (``Name`` stores)
    targets: list[cst.Name] = dataclasses.field(default_factory=list)
    #: why it stays OpenCensus; empty while it converts
    reason: str = ""

    @property
    def ok(self) -> bool:
        return not self.reason


@dataclasses.dataclass(frozen=True)
class Pair:
    """``start_span`` at ``start`` and the ``end_span`` that ends it, in one statement list:
    the statements from ``start`` to ``end`` become one ``with start_as_current_span`` block."""

    suite: Suite
    start: int
    end: int
    start_call: cst.Call
    end_call: cst.Call
    #: the ``end_span()`` is the last statement of the ``finally`` of the statement at ``end``
    in_finally: bool


@dataclasses.dataclass(frozen=True)
class ModuleFacts:
    """What the OpenCensus planners read of one module: its tree, scopes, parents, and the
    qualified names of a node."""

    module: cst.Module
    scopes: Mapping[cst.CSTNode, Optional[Scope]]
    parents: Mapping[cst.CSTNode, cst.CSTNode]
    names: Callable[[cst.CSTNode], set[str]]


class Analysis:
    """The decisions for one module, made on the original tree before the traversal."""

    def __init__(
        self,
        facts: ModuleFacts,
        setup_blocker: Callable[[cst.Call], str],
        exported: Callable[[str], bool] = lambda name: True,
    ) -> None:
        """``exported(name)``: whether another module may import ``name`` from this one."""
        module = facts.module
        self._exported = exported
        #: span and tracer parameters of helper functions (``span_parameters.py``), by group
        self.parameters: dict[Group, HelperParameter] = {}
        #: the argument a call gives a helper's parameter -> the parameter's group
        self._passed: dict[cst.BaseExpression, Group] = {}
        self._scopes = facts.scopes
        #: why a ``Tracer(...)`` call cannot move to ``configure()`` ("" if it can)
        self._setup_blocker = setup_blocker
        self.parents = facts.parents
        self.names = facts.names
        self.groups: dict[tuple[Scope, str], Group] = {}
        #: binding target -> its group
        self._group_of_target: dict[cst.Name, Group] = {}
        #: ``self.tracer`` read -> the group of the instance attribute
        self._attribute_uses: dict[cst.Attribute, Group] = {}
        self.pairs: dict[cst.Call, Pair] = {}
        #: start and end calls of spans attached and detached explicitly
        self.open_spans: dict[cst.Call, OpenSpan] = {}
        #: ``span.span_kind = K`` statements moved into the start call: start call -> kind member
        self.kinds: dict[cst.CSTNode, str] = {}
        #: ``span.name = x`` right after the start: start call -> the name it starts with
        self.start_names: dict[cst.CSTNode, cst.BaseExpression] = {}
        #: the stores these two move into the start call
        self.moved_stores: set[cst.CSTNode] = set()
        #: unpaired starts and ends handed off through the context (``handoffs.py``)
        self.handoffs: dict[cst.Call, str] = {}
        #: the one span start of a ``Tracer(span_context=name)`` -> that name (``remote_parent.py``)
        self.remote_parents: dict[cst.Call, cst.Name] = {}
        self._collect(module)
        self._pair(module)
        self._pair_across_blocks(module)
        self.handoffs = handoffs(module, self.parents, self.context_tracer, self.paired)
        #: why the hand-offs stay OpenCensus, by call, once one of their groups does
        self._handoff_reason: dict[cst.Call, str] = {}
        self._decide()

    # -- what an expression is ----------------------------------------------------------------
    def group(self, node: cst.BaseExpression) -> Optional[Group]:
        """The group a name load belongs to (every binding that reaches it is in the group),
        or the instance attribute's group of a ``self.tracer`` read."""
        if isinstance(node, cst.Attribute):
            return self._attribute_uses.get(node)
        if not isinstance(node, cst.Name):
            return None
        scope = self._scopes.get(node)
        if scope is None:
            return None
        for access in scope.accesses[node.value]:
            if access.node is not node:
                continue
            for referent in access.referents:
                if not isinstance(referent, Assignment):
                    continue
                bound = referent.node
                if isinstance(bound, cst.Param):  # a span parameter's group holds its name
                    bound = bound.name
                if isinstance(bound, cst.Name):
                    found = self._group_of_target.get(bound)
                    if found is not None:
                        return found
        return None

    def tracer_like(self, node: cst.BaseExpression) -> Optional[Group]:
        """The tracer group ``node`` loads, if it loads one."""
        group = self.group(node)
        return group if group is not None and group.kind == TRACER else None

    def is_tracer_call(self, node: cst.BaseExpression) -> bool:
        return isinstance(node, cst.Call) and bool(
            self.names(node.func) & {GET_TRACER, TRACER_CLASS}
        )

    def is_tracer(self, node: cst.BaseExpression) -> bool:
        return self.is_tracer_call(node) or self.tracer_like(node) is not None

    def origin_kind(self, value: cst.BaseExpression) -> Optional[str]:
        """Whether ``value`` makes an OpenCensus tracer or span."""
        if not isinstance(value, cst.Call):
            return None
        called = self.names(value.func)
        if called & {GET_TRACER, TRACER_CLASS}:
            return TRACER
        if GET_CURRENT_SPAN in called:
            return SPAN
        func = value.func
        is_span_method = isinstance(func, cst.Attribute) and func.attr.value in _SPAN_MAKERS
        if not is_span_method:
            return None
        return SPAN if self.is_tracer(cast(cst.Attribute, func).value) else None

    # -- collection -------------------------------------------------------------------------
    def _collect(self, module: cst.Module) -> None:
        #: document order of the names, so that decisions (and their reasons) are repeatable
        self._order: dict[cst.CSTNode, int] = {
            n: i for i, n in enumerate(walk(module)) if isinstance(n, cst.Name)
        }
        self.bindings = bindings = dict(name_bindings(module))
        self._collect_attributes(module)
        # a tracer parameter first: the spans its helper makes with it are found by it
        for parameter in helper_parameters(module, self._scopes, self.parents, self._exported):
            self._add_parameter(parameter)
        for _ in range(2):  # tracers first, then the spans they make
            for target, value in bindings.items():
                if target in self._group_of_target:
                    continue
                kind = self.origin_kind(value)
                if kind is not None:
                    self._add(target, kind, bindings)

    def _collect_attributes(self, module: cst.Module) -> None:
        """Tracers held in instance attributes (see :mod:`.instance_attributes`): one group
        each, whose uses are the attribute's reads in the class's methods."""
        for held in instance_attributes(module, self.parents):
            values = [v for v in held.values if not (isinstance(v, cst.Name) and v.value == "None")]
            tracers = [v for v in values if self.origin_kind(v) == TRACER]
            scope = self._scopes.get(held.cls)
            if not tracers or scope is None:
                continue
            owner = held.cls.name.value
            reason = held.unknown
            if len(tracers) != len(values):
                reason = reason or f"{held.shown} is also set to something else"
            if not reason and not held.attr.startswith("_") and self._exported(owner):
                reason = f"other modules import {owner}, and may read {held.shown}"
            group = Group(TRACER, scope, held.shown, tracers, list(held.loads), reason=reason)
            self.groups[(scope, f"{owner}.{held.shown}")] = group
            for load in held.loads:
                self._attribute_uses[load] = group

    def _add_parameter(self, parameter: HelperParameter) -> None:
        target = parameter.param.name
        scope = self._scopes.get(target)
        if scope is None or (scope, target.value) in self.groups:
            return
        uses: list[Use] = sorted(parameter.uses, key=lambda use: self._order.get(use, -1))
        reason = parameter.unknown_callers
        group = Group(parameter.kind, scope, target.value, [], uses, [target], reason)
        self._group_of_target[target] = group
        self.groups[(scope, target.value)] = group
        self.parameters[group] = parameter
        for argument in parameter.arguments:
            if argument is not None:
                self._passed[argument] = group

    def _add(
        self, target: cst.Name, kind: str, bindings: Mapping[cst.Name, cst.BaseExpression]
    ) -> None:
        scope = self._scopes.get(target)
        if scope is None:
            return
        group = Group(kind, scope, target.value, [], [])
        for assignment in scope.assignments[target.value]:
            node = assignment.node if isinstance(assignment, Assignment) else None
            if not isinstance(node, cst.Name) or (value := bindings.get(node)) is None:
                group.reason = f"{target.value!r} is also bound to something else"
                break
            if not (isinstance(value, cst.Name) and value.value == "None"):
                if self.origin_kind(value) != kind:
                    group.reason = f"{target.value!r} is also bound to something else"
                    break
                group.values.append(value)
            self._group_of_target[node] = group
            group.targets.append(node)
            group.uses.extend(a.node for a in assignment.references if isinstance(a.node, cst.Name))
        group.uses.sort(key=lambda use: self._order.get(use, -1))
        self.groups[(scope, target.value)] = group

    # -- start_span/end_span pairing --------------------------------------------------------
    def _pair(self, module: cst.Module) -> None:
        for node in walk(module):
            if isinstance(node, (cst.Module, cst.IndentedBlock)):
                self._pair_suite(node)

    def _pair_suite(self, suite: Suite) -> None:
        body = list(suite.body)
        for index, statement in enumerate(body):
            start = _start_call(statement)
            if start is None or not isinstance(start.func, cst.Attribute):
                continue
            receiver = start.func.value
            if not self.is_tracer(receiver) or not isinstance(receiver, cst.Name):
                continue
            for later in range(index + 1, len(body)):
                end, in_finally = self._end_call(body[later], receiver.value)
                if end is not None:
                    if not any(
                        self._tracer_calls(body[k], receiver.value) for k in range(index + 1, later)
                    ) and not (in_finally and self._tracer_calls(body[later], receiver.value, 1)):
                        self.pairs[start] = self.pairs[end] = Pair(
                            suite, index, later, start, end, in_finally
                        )
                    break
                if self._tracer_calls(body[later], receiver.value):
                    break

    def _end_call(self, statement: cst.CSTNode, name: str) -> tuple[Optional[cst.Call], bool]:
        call = _expression_call(statement)
        if call is not None and _is_method(call, name, "end_span"):
            return call, False
        if isinstance(statement, cst.Try) and statement.finalbody is not None:
            final = statement.finalbody.body.body
            call = _expression_call(final[-1]) if final else None
            if call is not None and _is_method(call, name, "end_span"):
                return call, True
        return None, False

    def _tracer_calls(self, statement: cst.CSTNode, name: str, allowed: int = 0) -> bool:
        """Whether ``statement`` starts or ends spans on tracer ``name`` (more than ``allowed``)."""
        count = 0
        for node in walk(statement):
            if isinstance(node, cst.Call) and (
                _is_method(node, name, "start_span") or _is_method(node, name, "end_span")
            ):
                count += 1
        return count > allowed

    def _pair_across_blocks(self, module: cst.Module) -> None:
        self.open_spans = open_spans(module, self.parents, self.is_tracer, self.pairs)

    def paired(self, call: cst.Call) -> bool:
        """Whether a ``start_span()``/``end_span()`` call has its other half (the handed-off
        ones: in the context)."""
        return call in self.pairs or call in self.open_spans or call in self.handoffs

    def context_tracer(self, node: cst.BaseExpression) -> bool:
        """A tracer group, or the context's tracer read right there."""
        if isinstance(node, cst.Call):
            return not node.args and GET_TRACER in self.names(node.func)
        return self.tracer_like(node) is not None

    def _handoff_groups(self) -> Iterator[Optional[Group]]:
        for call, which in self.handoffs.items():
            func = cast(cst.Attribute, call.func)  # a method call, as found
            yield self.tracer_like(func.value)
            if which == START:
                yield self._made_group(call)

    # -- the decision -----------------------------------------------------------------------
    def _decide(self) -> None:
        changed = True
        while changed:
            changed = False
            for group in self.groups.values():
                if group.ok:
                    reason = self._blocker(group)
                    if reason:
                        group.reason = reason
                        changed = True
            failed = next((g for g in self._handoff_groups() if g is not None and not g.ok), None)
            if failed is not None:  # the module's hand-offs convert all together or not at all
                self._handoff_reason = dict.fromkeys(
                    self.handoffs,
                    "it hands its span over through the context with this module's other "
                    f"start_span()/end_span() calls, and {failed.name!r} stays OpenCensus "
                    f"({failed.reason})",
                )
                self.handoffs = {}
                changed = True

    def _blocker(self, group: Group) -> str:
        parameter = self.parameters.get(group)
        if parameter is not None:
            reason = self._caller_blocker(parameter)
            if reason:
                return reason
        for value in group.values:
            reason = self._value_blocker(group, value)
            if reason:
                return reason
        if group.kind == TRACER:
            reason = self._setups_blocker(group)
            if reason:
                return reason
        for use in group.uses:
            reason = self._use_blocker(group, use)
            if reason:
                return reason
        return ""

    def _value_blocker(self, group: Group, value: cst.BaseExpression) -> str:
        assert isinstance(value, cst.Call)
        if group.kind == TRACER:
            if TRACER_CLASS not in self.names(value.func):
                return ""
            return self._setup_blocker(value) or self._remote_parent_blocker(group, value)
        func = value.func
        if isinstance(func, cst.Attribute) and func.attr.value in ("start_span", "span"):
            receiver = func.value
            if isinstance(receiver, cst.Call) and (
                TRACER_CLASS in self.names(receiver.func) or receiver.args
            ):
                return "made by a tracer built in place (its settings have no home)"
            owner = self.tracer_like(func.value)
            if owner is not None and not owner.ok:
                return f"made by tracer {owner.name!r}, which stays OpenCensus ({owner.reason})"
            if func.attr.value == "start_span" and not self.paired(value):
                return "its start_span() has no end_span() it provably pairs with"
            if func.attr.value == "span" and not isinstance(self.parents.get(value), cst.WithItem):
                return "tracer.span() is used outside a with statement"
        return ""

    def _setups_blocker(self, group: Group) -> str:
        """A tracer made with different set-ups in functions (``if enabled: Tracer(exporter=e)
        else: Tracer()``): their ``configure()`` calls would all run at start-up, in the module,
        where one call cannot choose between them."""
        made = [v for v in group.values if TRACER_CLASS in self.names(cast(cst.Call, v).func)]
        if all(isinstance(function_of(v, self.parents), cst.Module) for v in made):
            return ""  # each configure() stays in its place, in its branch
        setups = {_setup_code(cast(cst.Call, v)) for v in made}
        if len(setups) < 2:
            return ""
        return (
            f"made with {len(setups)} different set-ups in a function (one configure() at "
            "start-up cannot choose between them)"
        )

    def _remote_parent_blocker(self, group: Group, value: cst.Call) -> str:
        """A ``Tracer(span_context=...)`` converts if its tracer starts one span, in the function
        that built it (the remote parent is that span's ``context=``)."""
        given = arg(value, "span_context")
        if given is None:
            return ""
        starts = [
            above
            for use in group.uses
            if isinstance(parent := self.parents.get(use), cst.Attribute)
            and parent.attr.value in ("start_span", "span")
            and isinstance(above := self.parents.get(parent), cst.Call)
            and above.func is parent
        ]
        if not starts:
            return "Tracer(span_context=...) starts no span here (its remote parent would be lost)"
        if len(starts) > 1 or len(group.values) != 1:
            return "Tracer(span_context=...) parents one span; this tracer starts several"
        if function_of(starts[0], self.parents) is not function_of(value, self.parents):
            return "Tracer(span_context=...) starts its span in another function"
        assert isinstance(given.value, cst.Name)  # checked by the set-up mapper
        self.remote_parents[starts[0]] = given.value
        return ""

    def _caller_blocker(self, parameter: HelperParameter) -> str:
        """Why a call of the helper gives its parameter something that does not convert."""
        function, kind = parameter.function.name.value, parameter.kind
        for argument in parameter.arguments:
            if kind == TRACER and isinstance(argument, cst.Call) and self.context_tracer(argument):
                continue  # the context's tracer, read in the call
            given = self.group(argument) if argument is not None else None
            if given is None or given.kind != kind:
                return f"a call of {function}() gives it something other than a {kind} made here"
            if not given.ok:
                return (
                    f"a call of {function}() gives it {kind} {given.name!r}, which stays "
                    f"OpenCensus ({given.reason})"
                )
        return ""

    def _use_blocker(self, group: Group, use: Use) -> str:
        parent = self.parents.get(use)
        helper = self._passed.get(use)
        if helper is not None and isinstance(parent, cst.Arg) and group.kind == helper.kind:
            if helper.ok:
                return ""
            function = self.parameters[helper].function.name.value
            return (
                f"{group.name!r} is passed to {function}(), whose parameter {helper.name!r} stays "
                f"OpenCensus ({helper.reason})"
            )
        if isinstance(parent, (cst.Comparison, cst.If, cst.BooleanOperation, cst.UnaryOperation)):
            return ""  # ``if tracer is not None``
        if isinstance(parent, cst.ComparisonTarget):
            return ""
        if group.kind == TRACER and self.injection(use) is not None:
            return ""
        if not isinstance(parent, cst.Attribute) or parent.value is not use:
            return f"{group.name!r} is passed on or returned (its other users are not converted)"
        member = parent.attr.value
        above = self.parents.get(parent)
        if isinstance(above, cst.Call) and above.func is parent:
            return self._call_blocker(group, use, member, above)
        if isinstance(above, cst.AssignTarget) and group.kind == SPAN and member in SPAN_STORES:
            return self._store_blocker(group, member, above)
        return f"{group.name}.{member} has no OpenTelemetry equivalent"

    def injection(self, use: Use) -> Optional[cst.SimpleStatementLine]:
        """The ``headers = T.propagator.to_headers(T.span_context)`` statement ``use`` (either
        ``T``) is part of: the current context injected into a new carrier."""
        if not isinstance(use, cst.Name):
            return None
        parent = self.parents.get(use)
        if not isinstance(parent, cst.Attribute) or parent.value is not use:
            return None
        call: Optional[cst.CSTNode] = None
        if parent.attr.value == "propagator":
            method = self.parents.get(parent)
            if isinstance(method, cst.Attribute) and method.attr.value == "to_headers":
                call = self.parents.get(method)
        elif parent.attr.value == "span_context":
            given = self.parents.get(parent)
            call = self.parents.get(given) if isinstance(given, cst.Arg) else None
        if not (
            isinstance(call, cst.Call)
            and isinstance(call.func, cst.Attribute)
            and call.func.attr.value == "to_headers"
            and len(call.args) == 1
            and not call.args[0].keyword
        ):
            return None
        receiver, context = call.func.value, call.args[0].value
        bound = bound_propagator(receiver, self._scopes, self.parents, self.names)
        own = (  # the tracer's own propagator, or a W3C one bound to a name (OpenCensus' README):
            # propagate.inject writes the configured formats, W3C unless configure() says more
            isinstance(receiver, cst.Attribute)
            and receiver.attr.value == "propagator"
            and isinstance(receiver.value, cst.Name)
            and receiver.value.value == use.value
        ) or (bound is not None and not any(PROPAGATORS.get(n) for n in self.names(bound.func)))
        same = (
            own
            and isinstance(context, cst.Attribute)
            and context.attr.value == "span_context"
            and isinstance(context.value, cst.Name)
            and context.value.value == use.value
        )
        assign = self.parents.get(call)
        statement = self.parents.get(assign) if isinstance(assign, cst.Assign) else None
        if (
            same
            and isinstance(assign, cst.Assign)
            and len(assign.targets) == 1
            and isinstance(assign.targets[0].target, cst.Name)
            and isinstance(statement, cst.SimpleStatementLine)
            and len(statement.body) == 1
        ):
            return statement
        return None

    def _call_blocker(self, group: Group, use: Use, member: str, call: cst.Call) -> str:
        if group.kind == TRACER:
            if member in CURRENT_SPAN_METHODS:
                return ""
            if member == "span":
                span = self._made_group(call)
                if not isinstance(self.parents.get(call), cst.WithItem):
                    return "tracer.span() is used outside a with statement"
                return f"span {span.name!r} stays OpenCensus" if span and not span.ok else ""
            if member in ("start_span", "end_span"):
                if call in self._handoff_reason:
                    return self._handoff_reason[call]
                if not self.paired(call):
                    other = "end_span" if member == "start_span" else "start_span"
                    return (
                        f"{group.name}.{member}() has no {other}() it provably pairs with (in one "
                        f"block, or in one function with each in that block or under `if "
                        f"{group.name}:`, the end also in a `finally`); a span started and ended "
                        "in different functions needs its detach token kept where it ends"
                    )
                if call in self.handoffs:
                    span = self._made_group(call) if member == "start_span" else None
                    return f"span {span.name!r} stays OpenCensus" if span and not span.ok else ""
                opened = self.pairs.get(call) or self.open_spans[call]
                span = self._made_group(opened.start_call)
                return f"span {span.name!r} stays OpenCensus" if span and not span.ok else ""
            if member == "finish" and isinstance(self.parents.get(call), cst.Expr):
                return ""
            if member == "trace_decorator" and not call.args:
                decorator = self.parents.get(call)
                if isinstance(decorator, cst.Decorator):
                    return ""
                return "trace_decorator() is used other than as a decorator"
            return f"{group.name}.{member}() has no OpenTelemetry equivalent"
        if member in ("add_attribute", "add_annotation"):
            return ""
        if member in ("add_message_event", "add_link"):
            if events.mapping(member, call, self.names) is not None:
                return ""
            return f"its {member}() argument is not a literal OpenCensus value that maps"
        if member == "set_status" and len(call.args) == 1:
            if map_status(call.args[0].value, self.names) is not None:
                return ""
            return "its status value cannot be mapped"
        return f"{group.name}.{member}() has no OpenTelemetry equivalent"

    def _store_blocker(self, group: Group, member: str, target: cst.AssignTarget) -> str:
        assign = self.parents.get(target)
        assert isinstance(assign, cst.Assign)
        origin = group.values[0] if len(group.values) == 1 else None
        statement = self.parents.get(assign)
        if member == "name":
            if (
                origin is not None
                and statement is not None
                and self._opens(statement, origin, group.name)
                and not any(
                    isinstance(n, cst.Name) and n.value == group.name for n in walk(assign.value)
                )
            ):
                self.start_names[origin] = assign.value  # the span starts with its name
                self.moved_stores.add(statement)
            return ""
        if member == "status":
            return "" if map_status(assign.value, self.names) is not None else "status not mapped"
        if member == "stack_trace":
            if traceback_of(assign.value, self.names) is not None:
                return ""
            return f"{group.name}.stack_trace has no OpenTelemetry equivalent"
        kind = self._kind_member(assign.value)
        if (
            kind is not None
            and origin is not None
            and statement is not None
            and self._dominated(statement, origin)
        ):
            self.kinds[origin] = kind
            self.moved_stores.add(statement)
            return ""
        return (
            "span_kind is set where the span's creation cannot take it "
            "(OpenTelemetry sets the kind at start)"
        )

    def _kind_member(self, value: cst.BaseExpression) -> Optional[str]:
        for name in self.names(value):
            if name.startswith(SPAN_KIND):
                return name[len(SPAN_KIND) :]
        return None

    def _opens(
        self, statement: Optional[cst.CSTNode], origin: cst.BaseExpression, span: str
    ) -> bool:
        """``statement`` follows the span's creation with only other stores to the span between."""
        body = self._body_after(origin)
        if statement not in body:
            return False
        return all(_stores_to(s, span) for s in body[: body.index(statement)])

    def _body_after(self, origin: cst.BaseExpression) -> Sequence[cst.CSTNode]:
        """The statements a span's creation opens: after the ``start_span`` up to its end, or the
        body of the ``with tracer.span()``."""
        if isinstance(origin, cst.Call) and origin in self.pairs:  # the keys are calls
            pair = self.pairs[origin]
            return list(pair.suite.body)[pair.start + 1 : pair.end]
        if isinstance(origin, cst.Call) and origin in self.handoffs:
            start = statement_of(origin, self.parents)
            suite = self.parents.get(start)
            around = suite.body if isinstance(suite, (cst.Module, cst.IndentedBlock)) else ()
            statements: list[cst.CSTNode] = list(around)
            return statements[statements.index(start) + 1 :] if start in statements else []
        opened = self.open_spans.get(origin) if isinstance(origin, cst.Call) else None
        if opened is not None:
            suite = self.parents.get(opened.start)
            body: list[cst.CSTNode] = (
                list(suite.body) if isinstance(suite, (cst.Module, cst.IndentedBlock)) else []
            )
            return body[body.index(opened.start) + 1 :] if opened.start in body else []
        item = self.parents.get(origin)
        with_node = self.parents.get(item) if isinstance(item, cst.WithItem) else None
        if isinstance(with_node, cst.With) and isinstance(with_node.body, cst.IndentedBlock):
            return list(with_node.body.body)
        return []

    def _dominated(self, statement: Optional[cst.CSTNode], origin: cst.BaseExpression) -> bool:
        """``statement`` runs right after the span's creation: in the same statement list as the
        ``start_span`` (after it), or directly in the body of the ``with tracer.span()``."""
        return statement in self._body_after(origin)

    def _made_group(self, call: cst.Call) -> Optional[Group]:
        parent = self.parents.get(call)
        target: Optional[cst.BaseExpression] = None
        if isinstance(parent, cst.Assign) and len(parent.targets) == 1:
            target = parent.targets[0].target
        elif isinstance(parent, cst.WithItem) and parent.asname is not None:
            target = parent.asname.name
        return self._group_of_target.get(target) if isinstance(target, cst.Name) else None

    def made_group(self, call: cst.Call) -> Optional[Group]:
        return self._made_group(call)

    def target_group(self, target: cst.Name) -> Optional[Group]:
        return self._group_of_target.get(target)


def name_bindings(module: cst.Module) -> Iterator[tuple[cst.Name, cst.BaseExpression]]:
    """Every ``name = value``, ``name: T = value`` and ``with value as name`` of the module."""
    for node in walk(module):
        if isinstance(node, cst.Assign) and len(node.targets) == 1:
            target = node.targets[0].target
            if isinstance(target, cst.Name):
                yield target, node.value
        elif isinstance(node, cst.AnnAssign) and isinstance(node.target, cst.Name):
            if node.value is not None:
                yield node.target, node.value
        elif isinstance(node, cst.WithItem) and node.asname is not None:
            target = node.asname.name
            if isinstance(target, cst.Name):
                yield target, node.item


def is_imported(scopes: Mapping[cst.CSTNode, Optional[Scope]], name: cst.Name) -> bool:
    """Whether every binding that reaches the load ``name`` is an import."""
    scope = scopes.get(name)
    accesses = scope.accesses[name.value] if scope is not None else ()
    referents = [r for a in accesses if a.node is name for r in a.referents]
    return bool(referents) and all(isinstance(r, ImportAssignment) for r in referents)


def _setup_code(tracer: cst.Call) -> str:
    """The code of a ``Tracer(...)`` call's set-up: its arguments but the remote parent."""
    args = [
        a
        for index, a in enumerate(tracer.args)
        if not (a.keyword.value == "span_context" if a.keyword else index == 0)
    ]
    code = cst.Module([]).code_for_node(cst.Call(cst.Name("Tracer"), args))
    return code.replace(" ", "")


def _expression_call(statement: cst.CSTNode) -> Optional[cst.Call]:
    if isinstance(statement, cst.SimpleStatementLine) and len(statement.body) == 1:
        small = statement.body[0]
        if isinstance(small, cst.Expr) and isinstance(small.value, cst.Call):
            return small.value
    return None


def _start_call(statement: cst.CSTNode) -> Optional[cst.Call]:
    """The ``x.start_span(...)`` a statement consists of (bare, or bound to one name)."""
    call = _expression_call(statement)
    if call is None and isinstance(statement, cst.SimpleStatementLine) and len(statement.body) == 1:
        small = statement.body[0]
        if (
            isinstance(small, cst.Assign)
            and len(small.targets) == 1
            and isinstance(small.targets[0].target, cst.Name)
            and isinstance(small.value, cst.Call)
        ):
            call = small.value
    if (
        call is not None
        and isinstance(call.func, cst.Attribute)
        and call.func.attr.value == "start_span"
    ):
        return call
    return None


def _is_method(call: cst.Call, receiver: str, method: str) -> bool:
    func = call.func
    return (
        isinstance(func, cst.Attribute)
        and func.attr.value == method
        and isinstance(func.value, cst.Name)
        and func.value.value == receiver
    )


def _stores_to(statement: cst.CSTNode, span: str) -> bool:
    """``<span>.<attribute> = ...``."""
    small = sole_assignment(statement)
    if small is None:
        return False
    target = small.targets[0].target
    return (
        isinstance(target, cst.Attribute)
        and isinstance(target.value, cst.Name)
        and target.value.value == span
    )
