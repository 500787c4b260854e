"""Test assertions on recorded spans: ``MockSpan`` fields → ``ReadableSpan`` properties.

A test reads what its ``MockTracer`` recorded: ``spans = tracer.finished_spans()`` (now
``exporter.get_finished_spans()``, see ``mocktracer.py``), then ``spans[0].operation_name``,
``[s.tags for s in spans]``, ``map(lambda s: s.parent_id, spans)``... The spans of those lists
(followed through names, subscripts, ``for`` and comprehension targets, the lambdas of ``map``,
``filter``, ``sorted``...) and, in a file that makes a ``MockTracer``, the live spans the code
under test returns are SDK spans after the migration, so their fields map:

- ``operation_name`` → ``name``, ``tags`` → ``attributes``, ``logs`` → ``events``;
- ``parent_id`` → ``parent.span_id`` (``None`` without a parent, as before);
- ``finished`` → ``end_time is not None``;
- ``start_time``/``finish_time`` → ``start_time``/``end_time``, marked: float seconds become int
  nanoseconds.

Reads of ``span.kind``/``error`` tags and of log fields become the span's ``kind`` and ``status``
and the event's ``name`` and ``attributes`` (``recorded_reads.py``). What has no counterpart is
marked with its reason: a log's whole ``key_values``, a field an error log renames, and the kind or
error in other statements on the tags (a kind that is not a literal, a dict built elsewhere).
"""

from __future__ import annotations

from typing import Optional, Union

import libcst as cst
from libcst.codemod import CodemodContext
from libcst.metadata import Assignment

from otelbridge.migration_tool.mock_fixtures import requested_exporter
from otelbridge.migration_tool.mock_tracers import MockTracers
from otelbridge.migration_tool.model import SPANS, Kind
from otelbridge.migration_tool.state import MigrationState
from otelbridge.migration_tool.transforms.arguments import tag_string
from otelbridge.migration_tool.transforms.base import LegacyTransform
from otelbridge.migration_tool.transforms.recorded_reads import ReadPlan, lookup, plan_reads
from otelbridge.migration_tool.walk import walk

#: ``MockSpan`` field -> ``ReadableSpan`` property of the same meaning
RENAMED = {
    "operation_name": "name",
    "tags": "attributes",
    "logs": "events",
    "start_time": "start_time",
    "finish_time": "end_time",
}
FIELDS = frozenset({*RENAMED, "parent_id", "finished"})
TIME_UNITS = (
    "MockSpan times were float seconds; ReadableSpan.{name} is int nanoseconds: check the "
    "arithmetic and comparisons"
)
LOG_FIELDS = (
    "OpenTracing log key_values: an OpenTelemetry event has .name and .attributes (an error log "
    "is an 'exception' event with exception.* attributes)"
)
KIND_STATUS = (
    "span.kind and error are not attributes in OpenTelemetry: compare span.kind (SpanKind) and "
    "span.status instead"
)
#: calls whose result holds the elements of their first argument
_SAME = frozenset({"list", "tuple", "sorted", "reversed"})
#: calls whose lambda (first or ``key=`` argument) is given each element of the iterable
_GIVES_ELEMENTS = frozenset({"map", "filter", "sorted", "min", "max"})
#: what an element of each list kind is
_ELEMENT = {"spans": "span", "logs": "log"}


def maps_live_field(state: MigrationState, node: cst.Attribute) -> bool:
    """A ``MockSpan`` field read on a live span in a file that makes a ``MockTracer``: mapped
    here (``Escapes`` must not keep it)."""
    return (
        node.attr.value in FIELDS
        and state.model.kind(node.value) in SPANS
        and MockTracers.of(state).constructs
    )


class _Binding:
    """How a name gets its value: bound to ``value``, or given each element of ``value``."""

    __slots__ = ("element", "value")

    def __init__(self, value: cst.BaseExpression, element: bool) -> None:
        self.value, self.element = value, element


class RecordedSpans(LegacyTransform):
    DESCRIPTION = "MockSpan fields in test assertions to ReadableSpan properties."

    def __init__(self, context: CodemodContext) -> None:
        super().__init__(context)
        self._bindings: dict[cst.CSTNode, _Binding] = {}
        self._kinds: dict[cst.CSTNode, Optional[str]] = {}
        self._plan = ReadPlan({}, {}, set())
        #: original read or tags -> the (new) span or log it reads
        self._owners: dict[cst.CSTNode, cst.BaseExpression] = {}
        self._dicts: dict[cst.CSTNode, cst.Dict] = {}

    # -- what is a recorded span -------------------------------------------------------------
    def visit_Module(self, node: cst.Module) -> None:
        for found in walk(node):
            if isinstance(found, cst.Assign):
                for target in found.targets:
                    self._bind(target.target, found.value)
            elif isinstance(found, (cst.For, cst.CompFor)):
                self._bind(found.target, found.iter, element=True)
            elif isinstance(found, cst.Call) and _callee(found) in _GIVES_ELEMENTS and found.args:
                iterable = found.args[1 if _callee(found) in ("map", "filter") else 0].value
                for item in found.args:
                    if isinstance(item.value, cst.Lambda) and item.value.params.params:
                        self._bind(item.value.params.params[0].name, iterable, element=True)
        self._plan = plan_reads(list(walk(node)), self._holder, lambda n: tag_string(self, n))

    def _holder(
        self, node: cst.BaseExpression
    ) -> tuple[Optional[str], Optional[cst.BaseExpression]]:
        """``("tags", span)`` for the tags of a recorded span (``span``: the span a name bound
        once to them was read from), ``("log", None)`` for a recorded log's ``key_values``."""
        if isinstance(node, cst.Attribute):
            if node.attr.value == "tags" and self._span(node.value) and not self.kept(node.value):
                return "tags", None
            if node.attr.value == "key_values" and self.recorded(node.value) == "log":
                return "log", None
        elif isinstance(node, cst.Name):
            value = self._bound_once(node)
            if (
                isinstance(value, cst.Attribute)
                and value.attr.value == "tags"
                and self._stable(value.value)
                and self._holder(value)[0] == "tags"
            ):
                return "tags", value.value
        return None, None

    def _bound_once(self, node: cst.Name) -> Optional[cst.BaseExpression]:
        scope = self.model.scope(node)
        assignments = list(scope[node.value]) if scope is not None else []
        if len(assignments) != 1 or not isinstance(assignments[0], Assignment):
            return None
        binding = self._bindings.get(assignments[0].node)
        return binding.value if binding is not None and not binding.element else None

    def _stable(self, node: cst.BaseExpression) -> bool:
        """A name bound once, or a constant index of one: it reads the same span later."""
        if isinstance(node, cst.Subscript) and len(node.slice) == 1:
            index = node.slice[0].slice
            if not isinstance(index, cst.Index) or not isinstance(index.value, cst.Integer):
                return False
            node = node.value
        if not isinstance(node, cst.Name):
            return False
        scope = self.model.scope(node)
        return scope is not None and len(list(scope[node.value])) == 1

    def _bind(
        self, target: cst.BaseExpression, value: cst.BaseExpression, element: bool = False
    ) -> None:
        if isinstance(target, cst.Name):
            self._bindings[target] = _Binding(value, element)
        elif isinstance(target, (cst.Tuple, cst.List)) and not element:
            for item in target.elements:
                if isinstance(item, cst.Element):
                    self._bind(item.value, value, element=True)

    def recorded(self, node: cst.BaseExpression) -> Optional[str]:
        """``"spans"``, ``"span"``, ``"logs"`` or ``"log"``: what the test recorded ``node`` is."""
        if node in self._kinds:
            return self._kinds[node]
        self._kinds[node] = None  # cycle guard
        found = self._recorded(node)
        self._kinds[node] = found
        return found

    def _recorded(self, node: cst.BaseExpression) -> Optional[str]:
        if isinstance(node, cst.Call):
            func = node.func
            if (
                isinstance(func, cst.Attribute)
                and func.attr.value == "finished_spans"
                and not node.args
                and self.kind(func.value) is Kind.TRACER
                and (
                    MockTracers.of(self.state).exporter(func.value, node) is not None
                    or requested_exporter(self.model, func.value) is not None
                )
            ):
                return "spans"
            if _callee(node) in _SAME and node.args:
                return self.recorded(node.args[0].value)
            return None
        if isinstance(node, cst.Subscript) and len(node.slice) == 1:
            whole = self.recorded(node.value)
            if isinstance(node.slice[0].slice, cst.Slice):
                return whole
            return _ELEMENT.get(whole or "")
        if isinstance(node, cst.Attribute) and node.attr.value == "logs":
            return "logs" if self._span(node.value) else None
        if isinstance(node, cst.Name):
            return self._name(node)
        return None

    def _name(self, node: cst.Name) -> Optional[str]:
        scope = self.model.scope(node)
        if scope is None:
            return None
        kinds = set()
        for assignment in scope[node.value]:
            target = assignment.node if isinstance(assignment, Assignment) else None
            if isinstance(target, cst.Param):
                target = target.name
            binding = self._bindings.get(target) if target is not None else None
            if binding is None:
                return None
            kind = self.recorded(binding.value)
            kinds.add(_ELEMENT.get(kind or "") if binding.element else kind)
        return kinds.pop() if len(kinds) == 1 else None

    def _span(self, node: cst.BaseExpression) -> bool:
        """A recorded span, or a live one in a test of a ``MockTracer``."""
        if self.recorded(node) == "span":
            return True
        return self.kind(node) in SPANS and MockTracers.of(self.state).constructs

    # -- rewrites ----------------------------------------------------------------------------
    def leave_Attribute(
        self, original_node: cst.Attribute, updated_node: cst.Attribute
    ) -> cst.BaseExpression:
        field = original_node.attr.value
        if field == "key_values" and self.recorded(original_node.value) == "log":
            if original_node in self._plan.handled:
                return updated_node
            self.flag(original_node, "mock-log", LOG_FIELDS)
            return updated_node
        if field not in FIELDS or self.kept(original_node.value):
            return updated_node
        if not self._span(original_node.value):
            return updated_node
        self.rewrote()
        span = updated_node.value
        if field == "finished":
            return self.expr(original_node, "(S.end_time is not None)", S=span)
        if field == "parent_id":
            return self.expr(original_node, "(S.parent.span_id if S.parent else None)", S=span)
        if field in ("start_time", "finish_time"):
            self.flag(original_node, "time-units", TIME_UNITS.format(name=RENAMED[field]))
        if field == "tags":
            self._owners[original_node] = span
            self._kind_or_status(original_node)
        return updated_node.with_changes(attr=cst.Name(RENAMED[field]))

    def leave_Dict(self, original_node: cst.Dict, updated_node: cst.Dict) -> cst.BaseExpression:
        self._dicts[original_node] = updated_node
        return updated_node

    def leave_SimpleStatementLine(
        self, original_node: cst.SimpleStatementLine, updated_node: cst.SimpleStatementLine
    ) -> Union[cst.SimpleStatementLine, cst.FlattenSentinel[cst.SimpleStatementLine]]:
        """The tags compared whole with a dict naming the kind or error: a check of each, then
        of the other attributes (``recorded_reads.Whole``)."""
        whole = self._plan.wholes.get(original_node)
        expected = self._dicts.get(whole.expected) if whole is not None else None
        if whole is None or expected is None:
            return updated_node
        span = whole.span.deep_clone() if whole.span is not None else self._owners.get(whole.holder)
        if span is None:
            return updated_node
        self.rewrote()
        node = original_node
        checks: list[tuple[bool, cst.BaseExpression, cst.BaseExpression]] = []
        # a dict compared whole has no kind or error tag unless it names one
        kind = self.expr(node, "{trace}.SpanKind." + (whole.kind or "INTERNAL"))
        checks.append((True, self.expr(node, "S.kind", S=span), kind))
        status = self.expr(node, "S.status.status_code", S=span.deep_clone())
        checks.append((bool(whole.error), status, self.expr(node, "{trace}.StatusCode.ERROR")))
        rest = [
            new for old, new in zip(whole.expected.elements, expected.elements) if old in whole.rest
        ]
        if rest:
            rest[-1] = rest[-1].with_changes(comma=cst.MaybeSentinel.DEFAULT)
        others = self.expr(
            node,
            "{{k: v for k, v in S.attributes.items() if k not in (" + self._quoted() + ")}}",
            S=span.deep_clone(),
        )
        checks.append((True, others, expected.with_changes(elements=rest)))
        lines = [self._check(updated_node.body[0], *check) for check in checks]
        lines[0] = lines[0].with_changes(leading_lines=updated_node.leading_lines)
        lines[-1] = lines[-1].with_changes(trailing_whitespace=updated_node.trailing_whitespace)
        return cst.FlattenSentinel(lines)

    def _quoted(self) -> str:
        return ", ".join(self.string(name).value for name in ("span.kind", "error"))

    def _check(
        self,
        small: cst.BaseSmallStatement,
        equal: bool,
        actual: cst.BaseExpression,
        expected: cst.BaseExpression,
    ) -> cst.SimpleStatementLine:
        """``assert A == E`` (``!=``), or the same unittest assertion as ``small`` makes."""
        if isinstance(small, cst.Assert):
            test = self.expr(small, f"A {'==' if equal else '!='} E", A=actual, E=expected)
            return cst.SimpleStatementLine([small.with_changes(test=test)])
        assert isinstance(small, cst.Expr) and isinstance(small.value, cst.Call)
        call = small.value
        assert isinstance(call.func, cst.Attribute)
        method = cst.Name("assertEqual" if equal else "assertNotEqual")
        args = [cst.Arg(actual), cst.Arg(expected), *call.args[2:]]
        args[:-1] = [
            a.with_changes(comma=cst.Comma(whitespace_after=cst.SimpleWhitespace(" ")))
            for a in args[:-1]
        ]
        found = call.with_changes(func=call.func.with_changes(attr=method), args=args)
        return cst.SimpleStatementLine([small.with_changes(value=found)])

    def leave_Subscript(
        self, original_node: cst.Subscript, updated_node: cst.Subscript
    ) -> cst.BaseExpression:
        return self._read(original_node, updated_node, updated_node.value)

    def leave_Call(self, original_node: cst.Call, updated_node: cst.Call) -> cst.BaseExpression:
        error_type = self._plan.error_types.get(original_node)
        if error_type is not None:
            typed = self._error_type(updated_node, error_type)
            if original_node in self._plan.bare:
                return typed
            return typed.with_changes(lpar=[cst.LeftParen()], rpar=[cst.RightParen()])
        if original_node in self._plan.reads:
            assert isinstance(updated_node.func, cst.Attribute)
            return self._read(original_node, updated_node, updated_node.func.value)
        check = self._plan.checks.get(original_node)
        if check is None or not isinstance(updated_node.func, cst.Attribute):
            return updated_node
        self.rewrote()
        if check.positive is None:
            return updated_node.with_changes(args=self._mapped_args(original_node, updated_node))
        method = "assertTrue" if check.positive else "assertFalse"
        side = next(
            new.value
            for old, new in zip(original_node.args, updated_node.args)
            if old.value is check.read
        )
        status = self._status(original_node, self._span_of(check.read, side), True)
        return updated_node.with_changes(
            func=updated_node.func.with_changes(attr=cst.Name(method)),
            args=[cst.Arg(status), *updated_node.args[2:]],
        )

    def _error_type(self, updated: cst.Call, name: str) -> cst.BaseExpression:
        """``isinstance(log.key_values.get("error.object"), E)`` (planned in ``recorded_reads``)
        → ``log.attributes.get("exception.type") == "E"``."""
        self.rewrote()
        found = lookup(updated.args[0].value)  # the read as planned, its parts rewritten
        assert found is not None
        fields = found[0]
        assert isinstance(fields, cst.Attribute)  # ``log.key_values``
        return self.expr(
            updated,
            "LOG.attributes.get(KEY) == NAME",
            LOG=fields.value,
            KEY=self.string("exception.type"),
            NAME=self.string(name),
        )

    def leave_Comparison(
        self, original_node: cst.Comparison, updated_node: cst.Comparison
    ) -> cst.BaseExpression:
        check = self._plan.checks.get(original_node)
        if check is None:
            return updated_node
        self.rewrote()
        target = updated_node.comparisons[0]
        if check.positive is not None:
            side = updated_node.left if check.read is original_node.left else target.comparator
            span = self._span_of(check.read, side)
            status = self._status(original_node, span, check.positive)
            return status.with_changes(lpar=updated_node.lpar, rpar=updated_node.rpar)
        mapped = self._mapped(check.mapped, original_node)
        if isinstance(mapped, cst.SimpleString):  # ``is tags.ERROR``: never ``is`` a literal
            target = target.with_changes(
                operator=_EQUALITY.get(type(target.operator), target.operator)
            )
        if check.literal is original_node.left:
            return updated_node.with_changes(left=mapped, comparisons=[target])
        return updated_node.with_changes(comparisons=[target.with_changes(comparator=mapped)])

    def _mapped(self, template: str, node: cst.CSTNode) -> cst.BaseExpression:
        if template.startswith('"'):
            return self.string(template.strip('"'))
        return self.expr(node, template)

    def _mapped_args(self, original: cst.Call, updated: cst.Call) -> list[cst.Arg]:
        check = self._plan.checks[original]
        return [
            new.with_changes(value=self._mapped(check.mapped, original))
            if old.value is check.literal
            else new
            for old, new in zip(original.args, updated.args)
        ]

    def _span_of(self, read: cst.CSTNode, new: cst.BaseExpression) -> cst.BaseExpression:
        """The span a planned read (now ``new``) or the tags of an ``in`` test belong to."""
        if read in self._owners:
            return self._owners[read]
        bound = self._plan.reads[read].span
        if bound is not None:
            return bound.deep_clone()
        assert isinstance(new, cst.Attribute)  # ``S.attributes`` now
        return new.value

    def _status(
        self, node: cst.CSTNode, span: cst.BaseExpression, positive: bool
    ) -> cst.Comparison:
        """``S.status.status_code == ERROR`` (``!=`` if not ``positive``)."""
        operator = "==" if positive else "!="
        template = f"S.status.status_code {operator} {{trace}}.StatusCode.ERROR"
        found = self.expr(node, template, S=span)
        assert isinstance(found, cst.Comparison)
        return found

    def _read(
        self, original: cst.BaseExpression, updated: cst.BaseExpression, holder: cst.BaseExpression
    ) -> cst.BaseExpression:
        """A planned read of the kind, the error tag or a log field (``recorded_reads.py``)."""
        read = self._plan.reads.get(original)
        if read is None:
            return updated
        self.rewrote()
        if read.span is not None:
            owner = read.span.deep_clone()
        else:
            assert isinstance(holder, cst.Attribute)
            owner = holder.value
        self._owners[original] = owner
        if read.what == "kind":
            return self.expr(original, "S.kind" if read.member else "S.kind.name.lower()", S=owner)
        if read.what == "error":
            found = self._status(original, owner, True)
            if read.bare:
                return found
            return found.with_changes(lpar=[cst.LeftParen()], rpar=[cst.RightParen()])
        if read.what == "event":
            return self.expr(original, "S.name", S=owner)
        attributes = cst.Attribute(owner, cst.Name("attributes"))
        if isinstance(updated, cst.Subscript):
            return updated.with_changes(value=attributes)
        assert isinstance(updated, cst.Call) and isinstance(updated.func, cst.Attribute)
        return updated.with_changes(func=updated.func.with_changes(value=attributes))

    def _kind_or_status(self, node: cst.Attribute) -> None:
        """Tags compared or indexed in a statement that names ``span.kind``/``error``."""
        statement = self.state.statements[-1] if self.state.statements else None
        for found in walk(statement) if statement is not None else ():
            if found in self._plan.handled:
                continue
            if isinstance(found, (cst.SimpleString, cst.Attribute, cst.Name)) and tag_string(
                self, found
            ) in ("span.kind", "error"):
                self.flag(node, "kind-status", KIND_STATUS)
                return


#: identity tests of a constant, as the equality tests they meant once the constant is a literal
_EQUALITY: dict[type[cst.BaseCompOp], cst.BaseCompOp] = {
    cst.Is: cst.Equal(),
    cst.IsNot: cst.NotEqual(),
}


def _callee(call: cst.Call) -> Union[str, None]:
    return call.func.value if isinstance(call.func, cst.Name) else None
