"""Reads of ``span.kind``/``error`` tags and of log fields on recorded spans, planned for
``recorded.py``.

OpenTelemetry records a span's kind and error state as ``span.kind`` and ``span.status``, not as
attributes (a kind tag set after creation moves into ``kind=``, an ``error`` tag becomes
``set_status``), and an OpenTracing log becomes an event with a ``name`` and ``attributes``. So:

- ``S.tags[SPAN_KIND] == "client"`` (or ``.get``, either side, ``!=``) → ``S.kind ==
  trace.SpanKind.CLIENT``; any other read of the kind → ``S.kind.name.lower()`` (the same strings);
- ``S.tags[ERROR] is True`` / ``== "true"`` → ``S.status.status_code == trace.StatusCode.ERROR``
  (``False``/``"false"``: ``!=``); ``ERROR in S.tags`` likewise; any other read → that check;
- ``assert S.tags == {SPAN_KIND: "server", "http.method": "GET"}`` (or ``assertEqual``) → a check
  of the kind, of the status (no ``error`` key: not an error) and of the other attributes;
- ``log.key_values["event"]`` → ``log.name`` (an ``error`` log is an ``exception`` event);
  ``log.key_values[k]`` → ``log.attributes[k]`` unless ``k`` is renamed for an error log;
- ``isinstance(log.key_values.get("error.object"), ValueError)`` (a built-in exception class) →
  ``log.attributes.get("exception.type") == "ValueError"``: the event records the exception's type
  by name (qualified by its module, except for built-ins, which is why only those are mapped). The
  name is the exact class: a subclass raised where the test names its base fails the migrated
  test, so the base classes (``Exception``...) are not mapped.

``S`` is a recorded span, or a name bound once to ``S.tags`` (``tags = span.tags``). The unittest
forms (``assertEqual(a, b)``, ``assertIn(k, tags)``...) follow the operators they stand for.
"""

from __future__ import annotations

import builtins
from dataclasses import dataclass, field
from typing import Callable, Optional

import libcst as cst

from otelbridge.migration_tool.names import SPAN_KINDS
from otelbridge.migration_tool.transforms.base import literal
from otelbridge.semconv import EXCEPTION_FIELDS

#: log fields whose name changes in an error log's ``exception`` event: which one a read meant
#: cannot be told from the test
AMBIGUOUS_FIELDS = frozenset({*EXCEPTION_FIELDS, "error.object"})
#: the built-in exception classes, whose recorded ``exception.type`` is their bare name, but for
#: the "base classes" of Python's documentation: ``isinstance`` of those holds for what a test
#: raises (a ``ValueError`` is an ``Exception``), a name compared with theirs would not
BUILTIN_EXCEPTIONS = frozenset(
    name
    for name, value in vars(builtins).items()
    if isinstance(value, type) and issubclass(value, BaseException)
) - {"BaseException", "Exception", "ArithmeticError", "BufferError", "LookupError"}
_EQUAL = {"assertEqual": True, "assertEquals": True, "assertIs": True}
_UNEQUAL = {"assertNotEqual": False, "assertNotEquals": False, "assertIsNot": False}
_MEMBERSHIP = {"assertIn": True, "assertNotIn": False}


@dataclass
class Read:
    """``what`` ("kind", "error", "event", "field") read from the tags or ``key_values`` of a
    recorded span or log; ``span`` is the span (original tree) when the tags came from a name."""

    what: str
    span: Optional[cst.BaseExpression] = None
    #: "kind": compared with a known kind, so it reads the ``SpanKind`` member
    member: bool = False
    #: "error": the whole argument of an assertion, no parentheses needed
    bare: bool = False


@dataclass
class Check:
    """A comparison or assertion whose result is a status check (``positive``: is an error) or
    whose literal side is mapped: ``literal`` -> its new text (a ``SpanKind`` member or event)."""

    read: cst.CSTNode
    positive: Optional[bool] = None
    literal: Optional[cst.BaseExpression] = None
    mapped: str = ""


@dataclass
class Whole:
    """``assert S.tags == {...}`` (or ``assertEqual``/``assertDictEqual`` of the two) naming the
    kind or error: split into a check of each and of the other attributes (``holder``: the tags,
    ``expected``: the dict, ``kind``: its ``SpanKind`` member, ``error``: whether it is one)."""

    holder: cst.BaseExpression
    span: Optional[cst.BaseExpression]
    expected: cst.Dict
    kind: Optional[str]
    error: Optional[bool]
    #: the dict's elements that are neither
    rest: list[cst.BaseDictElement]


@dataclass
class ReadPlan:
    reads: dict[cst.CSTNode, Read]
    checks: dict[cst.CSTNode, Check]
    #: key and literal nodes the plan rewrites (no "not an attribute" note for them)
    handled: set[cst.CSTNode]
    #: statements compared whole (:class:`Whole`)
    wholes: dict[cst.CSTNode, Whole] = field(default_factory=dict)
    #: ``isinstance(log error object, E)`` calls -> ``E``'s name (a built-in exception)
    error_types: dict[cst.Call, str] = field(default_factory=dict)
    #: of those, the ones that are a whole assertion (an ``assert``'s test, ``assertTrue``'s
    #: argument): their comparison needs no parentheses
    bare: set[cst.CSTNode] = field(default_factory=set)


#: (recorded tags or log holder -> span from a binding or None; "tags"/"log" or None)
Holder = Callable[[cst.BaseExpression], tuple[Optional[str], Optional[cst.BaseExpression]]]
Strings = Callable[[cst.BaseExpression], Optional[str]]


def plan_reads(nodes: list[cst.CSTNode], holder: Holder, strings: Strings) -> ReadPlan:
    """The reads among ``nodes`` (every node of the module), then what compares them."""
    plan = ReadPlan({}, {}, set())
    for node in nodes:
        found = _read(node, holder, strings)
        if found is not None:
            plan.reads[node] = found[0]
            plan.handled.update(found[1:])
    for node in nodes:
        if isinstance(node, cst.SimpleStatementLine) and len(node.body) == 1:
            whole = _whole(node.body[0], holder, strings)
            if whole is not None:
                plan.wholes[node] = whole
                plan.handled.update(
                    part
                    for element in whole.expected.elements
                    if element not in whole.rest and isinstance(element, cst.DictElement)
                    for part in (element.key, element.value)
                )
        if isinstance(node, cst.Comparison) and len(node.comparisons) == 1:
            target = node.comparisons[0]
            _compare(plan, node, node.left, target.operator, target.comparator, holder, strings)
        elif isinstance(node, cst.Call) and isinstance(node.func, cst.Attribute):
            _assertion(plan, node, holder, strings)
        elif isinstance(node, cst.Call):
            _error_type(plan, node, holder, strings)
    for node in nodes:
        if isinstance(node, cst.Assert):
            plan.bare.add(node.test)
        elif (
            isinstance(node, cst.Call)
            and isinstance(node.func, cst.Attribute)
            and node.func.attr.value in ("assertTrue", "assertFalse")
            and node.args
        ):
            plan.bare.add(node.args[0].value)
    return plan


def _error_type(plan: ReadPlan, call: cst.Call, holder: Holder, strings: Strings) -> None:
    """``isinstance(H.get("error.object"), E)`` (or ``H["error.object"]``) of a recorded log's
    fields ``H``, ``E`` a built-in exception class: planned as a check of the exception's type."""
    if not (
        isinstance(call.func, cst.Name)
        and call.func.value == "isinstance"
        and len(call.args) == 2
        and not any(a.keyword or a.star for a in call.args)
        and isinstance(call.args[1].value, cst.Name)
        and call.args[1].value.value in BUILTIN_EXCEPTIONS
    ):
        return
    found = lookup(call.args[0].value)
    if found is None:
        return
    source, key = found
    if holder(source)[0] == "log" and strings(key) == "error.object":
        plan.error_types[call] = call.args[1].value.value
        plan.handled.update((source, key))


def lookup(node: cst.CSTNode) -> Optional[tuple[cst.BaseExpression, cst.BaseExpression]]:
    """``(H, K)`` of ``H[K]`` or ``H.get(K[, default])``."""
    if isinstance(node, cst.Subscript) and len(node.slice) == 1:
        index = node.slice[0].slice
        return (node.value, index.value) if isinstance(index, cst.Index) else None
    if (
        isinstance(node, cst.Call)
        and isinstance(node.func, cst.Attribute)
        and node.func.attr.value == "get"
        and 1 <= len(node.args) <= 2
        and not any(a.keyword or a.star for a in node.args)
    ):
        return node.func.value, node.args[0].value
    return None


def _read(
    node: cst.CSTNode, holder: Holder, strings: Strings
) -> Optional[tuple[Read, cst.CSTNode, cst.CSTNode]]:
    """``H[K]`` or ``H.get(K[, default])`` of recorded tags or log fields ``H``: the read, its
    key and ``H``."""
    found = lookup(node)
    if found is None:
        return None
    source, key = found
    kind, span = holder(source)
    name = strings(key)
    if kind == "tags" and name == "span.kind":
        return Read("kind", span), key, source
    if kind == "tags" and name == "error":
        return Read("error", span), key, source
    if kind == "log" and name == "event":
        return Read("event"), key, source
    if kind == "log" and name is not None and name not in AMBIGUOUS_FIELDS:
        return Read("field"), key, source
    return None


def _compare(
    plan: ReadPlan,
    node: cst.CSTNode,
    left: cst.BaseExpression,
    operator: cst.BaseCompOp,
    right: cst.BaseExpression,
    holder: Holder,
    strings: Strings,
) -> None:
    if isinstance(operator, (cst.In, cst.NotIn)):
        kind, span = holder(right)
        if kind == "tags" and strings(left) == "error":
            positive = isinstance(operator, cst.In)
            plan.checks[node] = Check(right, positive=positive)
            plan.handled.add(left)
            plan.reads.setdefault(right, Read("error", span))
        return
    equal = isinstance(operator, (cst.Equal, cst.Is))
    if not equal and not isinstance(operator, (cst.NotEqual, cst.IsNot)):
        return
    for read, other in ((left, right), (right, left)):
        if read in plan.reads:
            _literal_side(plan, node, read, other, equal, strings)
            return


def _literal_side(
    plan: ReadPlan,
    node: cst.CSTNode,
    read: cst.CSTNode,
    other: cst.BaseExpression,
    equal: bool,
    strings: Strings,
) -> None:
    found = plan.reads[read]
    if found.what == "kind":
        # no kind tag (``None``) is an ``INTERNAL`` span
        member = "INTERNAL" if literal(other) is None else SPAN_KINDS.get(strings(other) or "")
        if member is not None:
            found.member = True
            plan.checks[node] = Check(read, literal=other, mapped="{trace}.SpanKind." + member)
            plan.handled.add(other)
    elif found.what == "error":
        value = literal(other)
        if isinstance(value, str):
            value = {"true": True, "false": False}.get(value.lower(), value)
        if value is None:  # no error tag
            value = False
        if isinstance(value, bool):
            plan.checks[node] = Check(read, positive=value is equal)
            plan.handled.add(other)
    elif found.what == "event":
        name = strings(other)
        if name == "error":  # an error log is recorded as an ``exception`` event
            plan.checks[node] = Check(read, literal=other, mapped='"exception"')
            plan.handled.add(other)


def _assertion(plan: ReadPlan, call: cst.Call, holder: Holder, strings: Strings) -> None:
    """``assertEqual(a, b)``, ``assertIn(k, tags)``... as the comparisons they stand for."""
    assert isinstance(call.func, cst.Attribute)
    name = call.func.attr.value
    args = call.args
    if name in ("assertTrue", "assertFalse") and args and args[0].value in plan.reads:
        plan.reads[args[0].value].bare = True
    if len(args) < 2 or any(a.keyword or a.star for a in args[:2]):
        return
    first, second = args[0].value, args[1].value
    if name in _EQUAL or name in _UNEQUAL:
        operator: cst.BaseCompOp = cst.Equal() if name in _EQUAL else cst.NotEqual()
        _compare(plan, call, first, operator, second, holder, strings)
    elif name in _MEMBERSHIP:
        operator = cst.In() if _MEMBERSHIP[name] else cst.NotIn()
        _compare(plan, call, first, operator, second, holder, strings)


def _whole(small: cst.BaseSmallStatement, holder: Holder, strings: Strings) -> Optional[Whole]:
    """``assert T == {...}`` or ``self.assertEqual(T, {...})`` (either order) of recorded tags."""
    pair: tuple[cst.BaseExpression, cst.BaseExpression]
    if isinstance(small, cst.Assert) and isinstance(small.test, cst.Comparison):
        test = small.test
        if len(test.comparisons) != 1 or not isinstance(test.comparisons[0].operator, cst.Equal):
            return None
        pair = (test.left, test.comparisons[0].comparator)
    elif (
        isinstance(small, cst.Expr)
        and isinstance(small.value, cst.Call)
        and isinstance(small.value.func, cst.Attribute)
        and small.value.func.attr.value in ("assertEqual", "assertEquals", "assertDictEqual")
        and len(small.value.args) in (2, 3)  # a message may follow
        and not any(a.keyword or a.star for a in small.value.args)
    ):
        pair = (small.value.args[0].value, small.value.args[1].value)
    else:
        return None
    for tags, expected in (pair, pair[::-1]):
        kind, span = holder(tags)
        if kind == "tags" and isinstance(expected, cst.Dict):
            return _split(tags, span, expected, strings)
    return None


def _split(
    tags: cst.BaseExpression,
    span: Optional[cst.BaseExpression],
    expected: cst.Dict,
    strings: Strings,
) -> Optional[Whole]:
    whole = Whole(tags, span, expected, None, None, [])
    for element in expected.elements:
        if not isinstance(element, cst.DictElement):
            return None  # ``**more``: what it holds is unknown
        key = strings(element.key)
        if key == "span.kind":
            whole.kind = SPAN_KINDS.get(strings(element.value) or "")
            if whole.kind is None:
                return None
        elif key == "error":
            value = literal(element.value)
            if isinstance(value, str):
                value = {"true": True, "false": False}.get(value.lower(), value)
            if not isinstance(value, bool):
                return None
            whole.error = value
        else:
            whole.rest.append(element)
    return whole if whole.kind is not None or whole.error is not None else None
