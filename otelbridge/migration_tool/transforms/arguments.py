"""Mapping of OpenTracing span-creation arguments onto ``start_span``/``start_as_current_span``."""

from __future__ import annotations

from decimal import Decimal
from typing import Optional, cast

import libcst as cst

from otelbridge.migration_tool.engine.expr import from_cst
from otelbridge.migration_tool.findings import Finding
from otelbridge.migration_tool.model import Kind
from otelbridge.migration_tool.names import (
    LOG_MODULE,
    LOGS,
    REFERENCE_FUNCS,
    SPAN_KINDS,
    TAG_MODULES,
    TAGS,
)
from otelbridge.migration_tool.state import SEMCONV_KEY
from otelbridge.migration_tool.transforms.base import LegacyTransform, literal
from otelbridge.semconv import STABLE, STABLE_NAMES

#: OpenTracing's parameters in positional order (``start_span`` and ``start_active_span``).
POSITIONAL = (
    "operation_name",
    "child_of",
    "references",
    "tags",
    "start_time",
    "ignore_active_span",
)
ANY_PARENT = (
    "parent (child_of=) of unknown kind: converted to take what OpenTelemetry code gives (a span, "
    "a span context, or None for the current span); callers outside the project must now give those"
)
HELD_PARENT = (
    "parent (child_of=parent.context) of unknown kind: converted to take an OpenTelemetry span; "
    "callers outside the project must now give one"
)
_EQUAL = cst.AssignEqual(
    whitespace_before=cst.SimpleWhitespace(""), whitespace_after=cst.SimpleWhitespace("")
)


class Review(Exception):
    """A site that cannot be proven safe; carries the reason shown in the TODO marker."""


def tag_string(transform: LegacyTransform, node: cst.BaseExpression) -> Optional[str]:
    """The string a tag key or value stands for: a literal, or an ``opentracing.ext.tags`` name
    (or an ``opentracing.logs`` one: a ``log_kv`` key)."""
    value = literal(node)
    if isinstance(value, str):
        return value
    if isinstance(node, (cst.Attribute, cst.Name)):
        for name in transform.model.qualified_names(node):
            module, _, constant = name.rpartition(".")
            table = TAGS if module + "." in TAG_MODULES else LOGS if module == LOG_MODULE else {}
            if constant in table:
                return table[constant]
    return None


def attribute_name(transform: LegacyTransform, tag: str) -> Optional[str]:
    """The attribute name the migrated code records for the OpenTracing ``tag``: the tag itself,
    as the bridge records it by default, or with ``--semconv stable`` the convention's name
    (``None``: not an attribute, the span's kind or status carries it)."""
    if transform.state.context.scratch.get(SEMCONV_KEY) != STABLE:
        return tag
    return STABLE_NAMES.get(tag, tag)


def seconds_to_ns(node: cst.BaseExpression) -> cst.BaseExpression:
    """OpenTracing timestamps are float seconds; OpenTelemetry's are int nanoseconds."""
    if isinstance(node, (cst.Integer, cst.Float)):  # exact, from the digits as written
        return cst.Integer(str(int(Decimal(node.value.replace("_", "")) * 1_000_000_000)))
    if isinstance(node, (cst.Name, cst.Attribute)):  # a variable may hold None ("now"), as before
        template = "None if T is None else int(T * 1e9)"
    else:
        template = "int(T * 1e9)"
    replaced = cst.parse_expression(template).visit(_Replace("T", node))
    return cast(cst.BaseExpression, replaced)  # _Replace swaps a name for an expression


class _Replace(cst.CSTTransformer):
    def __init__(self, name: str, node: cst.BaseExpression) -> None:
        super().__init__()
        self._name, self._node = name, node

    def leave_Name(self, original_node: cst.Name, updated_node: cst.Name) -> cst.BaseExpression:
        return self._node if updated_node.value == self._name else updated_node


def keyword(name: str, value: cst.BaseExpression, like: Optional[cst.Arg] = None) -> cst.Arg:
    if like is not None:
        return like.with_changes(keyword=cst.Name(name), value=value, equal=_EQUAL)
    return cst.Arg(keyword=cst.Name(name), value=value, equal=_EQUAL)


def map_creation_args(
    transform: LegacyTransform,
    original: cst.Call,
    updated: cst.Call,
    current: bool,
    held: bool = False,
) -> list[cst.Arg]:
    """OpenTelemetry arguments for an OpenTracing span creation; raises :class:`Review`.

    ``held``: a ``start_active_span`` whose scope is held in a variable (``scopes.py``), made a
    plain span; its ``finish_on_close`` goes to the rewrite of the scope's close."""
    given: dict[str, tuple[cst.Arg, cst.Arg]] = {}
    for index, (old, new) in enumerate(zip(original.args, updated.args)):
        if old.star:
            raise Review("span created with *args/**kwargs: arguments cannot be mapped")
        name = old.keyword.value if old.keyword is not None else POSITIONAL[min(index, 5)]
        if old.keyword is None and index >= len(POSITIONAL):
            raise Review("unexpected positional argument to span creation")
        given[name] = (old, new)
    unknown = set(given) - set(POSITIONAL) - {"finish_on_close"}
    if unknown:
        raise Review(f"unknown span creation argument(s): {', '.join(sorted(unknown))}")
    args: list[cst.Arg] = []
    if "operation_name" in given:
        old, new = given["operation_name"]
        args.append(new.with_changes(keyword=None, equal=cst.MaybeSentinel.DEFAULT))
    context = _parent(transform, given)
    if context is not None:
        args.append(
            keyword(
                "context",
                context,
                given.get("child_of", given.get("ignore_active_span", (None, None)))[1],
            )
        )
    if "tags" in given:
        args.extend(_tags(transform, *given["tags"]))
    if "references" in given:
        links = _links(transform, given["references"][0], given["references"][1])
        if links is not None:
            args.append(keyword("links", links, given["references"][1]))
    if "start_time" in given:
        old, new = given["start_time"]
        if literal(old.value) is not None:
            args.append(keyword("start_time", seconds_to_ns(new.value), new))
    if "finish_on_close" in given and not held:
        old, new = given["finish_on_close"]
        if not current:
            raise Review("finish_on_close= outside start_active_span")
        if literal(old.value) is not True:
            args.append(keyword("end_on_exit", new.value, new))
    if args and updated.args:  # keep the layout before the closing parenthesis
        last = updated.args[-1]
        args[-1] = args[-1].with_changes(
            comma=last.comma, whitespace_after_arg=last.whitespace_after_arg
        )
    return args


def _parent(
    transform: LegacyTransform, given: dict[str, tuple[cst.Arg, cst.Arg]]
) -> Optional[cst.BaseExpression]:
    if "child_of" in given and literal(given["child_of"][0].value) is not None:
        old, new = given["child_of"]
        return parent_context(transform, old.value, new.value)
    refs = given.get("references")
    if refs is not None:
        found = _references(transform, refs[0], refs[1])
        parents = [ref for kind, ref in found if kind == "child_of"]
        if len(parents) > 1:
            raise Review("several child_of references: OpenTelemetry has one parent")
        if found:  # the OpenTracing shim's rule: the child_of one, else the first reference
            old_parent, new_parent = parents[0] if parents else found[0][1]
            return parent_context(transform, old_parent, new_parent)
    if "ignore_active_span" in given:
        old, new = given["ignore_active_span"]
        flag = literal(old.value)
        if flag is NotImplemented:  # decided at run time: a root when true, as OpenTracing's
            return transform.expr(old, "{otel_context}.Context() if FLAG else None", FLAG=new.value)
        if flag:
            return transform.expr(old, "{otel_context}.Context()")
    return None


def _project_result(transform: LegacyTransform, node: cst.BaseExpression) -> bool:
    """Whether ``node`` calls a function of the project (whose result the index joined
    ignoring ``None``)."""
    project = transform.model.project
    if project is None or not isinstance(node, cst.Call):
        return False
    index, module = project
    qualname = transform.model.qualname(node)
    return index.callee(module, index.function(module, qualname), from_cst(node.func)) is not None


def free_name(transform: LegacyTransform, node: cst.CSTNode, base: str) -> str:
    """``base`` (or ``base_1``...) if no name of the scope of ``node`` is already called so."""
    scope = transform.model.scope(node)
    name, number = base, 0
    while scope is not None and name in scope:
        number += 1
        name = f"{base}_{number}"
    return name


def parent_context(
    transform: LegacyTransform, old: cst.BaseExpression, new: cst.BaseExpression
) -> cst.BaseExpression:
    """An OpenTelemetry ``Context`` holding the parent given as an OpenTracing span/span context."""
    if (
        isinstance(old, cst.IfExp)
        and isinstance(new, cst.IfExp)
        and literal(old.orelse) is None
        and literal(new.orelse) is None
    ):
        # ``child_of=parent.context if parent else None``: no parent is ``context=None`` too
        return new.with_changes(body=parent_context(transform, old.body, new.body))
    kind = transform.kind(old)
    if kind is Kind.EXTRACTED:
        return new
    if kind in (Kind.SPAN, Kind.SPAN_CONTEXT) and (
        _project_result(transform, old) or transform.model.may_be_none(old)
    ):
        # a helper's result or a variable may be None (``getattr(tls, "span", None)``, ``parent =
        # None`` in an ``except``): OpenTracing then took the active span, as ``context=None``
        # does; ``set_span_in_context(None)`` would start a root span
        name, bound = _read_once(transform, old)
        span = name if kind is Kind.SPAN else f"{{trace}}.NonRecordingSpan({name})"
        return transform.expr(
            old, f"None if {bound} is None else {{trace}}.set_span_in_context({span})", PARENT=new
        )
    if kind is Kind.CURRENT_SPAN and _bound_elsewhere(transform, old):
        # the current span read in another scope (at import, ``parent = tracing.get_span()``:
        # none): then OpenTracing's ``None`` took the span active when the child starts, as
        # ``context=None`` does; OpenTelemetry's invalid span would start a new trace
        return transform.expr(
            old,
            "{trace}.set_span_in_context(PARENT) if PARENT.get_span_context().is_valid else None",
            PARENT=new,
        )
    if kind in (Kind.SPAN, Kind.CURRENT_SPAN):
        return transform.expr(old, "{trace}.set_span_in_context(PARENT)", PARENT=new)
    if kind is Kind.SPAN_CONTEXT:
        return transform.expr(
            old, "{trace}.set_span_in_context({trace}.NonRecordingSpan(PARENT))", PARENT=new
        )
    if kind is Kind.LEGACY:
        raise Review("parent (child_of=) is kept on OpenTracing: so is this span")
    if kind is Kind.UNKNOWN:
        return any_parent(transform, old, new)
    if (
        isinstance(old, cst.Attribute)
        and isinstance(new, cst.Attribute)
        and old.attr.value == "context"
        and transform.kind(old.value) is Kind.UNKNOWN
    ):
        # ``child_of=parent.context``: whatever made ``parent``, it holds a span (OpenTracing
        # raised on ``None.context``), an OpenTelemetry one once its maker is migrated
        _note_any_parent(transform, old, HELD_PARENT)
        return transform.expr(old, "{trace}.set_span_in_context(SPAN)", SPAN=new.value)
    raise Review("parent (child_of=) is not provably an OpenTracing span or span context")


def _bound_elsewhere(transform: LegacyTransform, node: cst.BaseExpression) -> bool:
    """Whether ``node`` is a name that the scope reading it does not bind (a module global read
    in a function)."""
    scope = transform.model.scope(node)
    if not isinstance(node, cst.Name) or scope is None:
        return False
    return not scope.assignments[node.value] and scope.parent is not scope


def _read_once(transform: LegacyTransform, old: cst.BaseExpression) -> tuple[str, str]:
    """How a template reads the parent ``PARENT`` twice: a name as it is, else bound to a free
    name by its first read (``(parent := PARENT)``)."""
    if isinstance(old, cst.Name):  # read again at no cost
        return "PARENT", "PARENT"
    name = free_name(transform, old, "parent")
    return name, f"({name} := PARENT)"


def any_parent(
    transform: LegacyTransform, old: cst.BaseExpression, new: cst.BaseExpression
) -> cst.BaseExpression:
    """A parent of unknown kind (a parameter, an object from elsewhere): the context for what it
    holds once migrated, a span, a span context or ``None`` (OpenTracing's "the active span",
    which is ``context=None``)."""
    _note_any_parent(transform, old, ANY_PARENT)
    name, bound = _read_once(transform, old)
    return transform.expr(
        old,
        f"None if {bound} is None else {{trace}}.set_span_in_context("
        f"{name} if isinstance({name}, {{trace}}.Span) else {{trace}}.NonRecordingSpan({name}))",
        PARENT=new,
    )


def _note_any_parent(transform: LegacyTransform, old: cst.BaseExpression, note: str) -> None:
    """Tell the report (no marker) that a parent of unknown kind now takes OpenTelemetry's."""
    line, column = transform.state.position(old)
    finding = Finding("parent-of-any-kind", note, line, column)
    if finding not in transform.state.findings:
        transform.state.findings.append(finding)


def _references(
    transform: LegacyTransform, old: cst.Arg, new: cst.Arg
) -> list[tuple[str, tuple[cst.BaseExpression, cst.BaseExpression]]]:
    if not (isinstance(old.value, cst.List) and isinstance(new.value, cst.List)):
        raise Review("references= is not a list literal")
    found = []
    for old_el, new_el in zip(old.value.elements, new.value.elements):
        call, new_call = old_el.value, new_el.value
        if not (
            isinstance(call, cst.Call) and isinstance(new_call, cst.Call) and len(call.args) == 1
        ):
            raise Review("references= entry is not opentracing.child_of()/follows_from()")
        names = transform.model.qualified_names(call.func) & set(REFERENCE_FUNCS)
        if not names:
            raise Review("references= entry is not opentracing.child_of()/follows_from()")
        found.append((REFERENCE_FUNCS[names.pop()], (call.args[0].value, new_call.args[0].value)))
    return found


def _links(transform: LegacyTransform, old: cst.Arg, new: cst.Arg) -> Optional[cst.BaseExpression]:
    links = []
    for kind, (ref_old, ref_new) in _references(transform, old, new):
        if kind != "follows_from":
            continue
        ref_kind = transform.kind(ref_old)
        if ref_kind in (Kind.SPAN, Kind.CURRENT_SPAN):
            links.append(
                transform.expr(ref_old, "{trace}.Link(REF.get_span_context())", REF=ref_new)
            )
        elif ref_kind is Kind.SPAN_CONTEXT:
            links.append(transform.expr(ref_old, "{trace}.Link(REF)", REF=ref_new))
        elif ref_kind is Kind.EXTRACTED:  # a Context once migrated: the span context it carries
            links.append(
                transform.expr(
                    ref_old, "{trace}.Link({trace}.get_current_span(REF).get_span_context())",
                    REF=ref_new,
                )
            )
        else:
            raise Review("follows_from() target is not provably a span or span context")
    if not links:
        return None
    return cst.List([cst.Element(link) for link in links])


def _kind_of(transform: LegacyTransform, tags: cst.Dict) -> Optional[cst.Arg]:
    """``kind=`` for the ``span.kind`` entry of a tags dict literal, if it has one."""
    for element in tags.elements:
        if not isinstance(element, cst.DictElement):
            continue
        if tag_string(transform, element.key) == "span.kind":
            member = SPAN_KINDS.get(tag_string(transform, element.value) or "")
            if member is None:
                raise Review("span.kind tag value is not a known constant")
            return keyword("kind", transform.expr(element, "{trace}.SpanKind." + member))
    return None


def _tags(transform: LegacyTransform, old: cst.Arg, new: cst.Arg) -> list[cst.Arg]:
    if not isinstance(old.value, cst.Dict):
        held = transform.model.constant(old.value) if isinstance(old.value, cst.Name) else None
        kind = _kind_of(transform, held) if isinstance(held, cst.Dict) else None
        # the dict stays as written (its ``span.kind`` entry too, an attribute as the bridge has it)
        return [*([kind] if kind is not None else []), keyword("attributes", new.value, new)]
    assert isinstance(new.value, cst.Dict)
    kept: list[cst.BaseDictElement] = []
    kind = _kind_of(transform, old.value)
    for old_el, new_el in zip(old.value.elements, new.value.elements):
        if isinstance(old_el, cst.DictElement):
            key = tag_string(transform, old_el.key)
            if key == "error":
                raise Review("error tag at span creation: set the status after creating the span")
            name = attribute_name(transform, key) if key is not None else None
            if key is not None and name is None:
                continue  # the span's kind carries it
            if name != key and isinstance(new_el, cst.DictElement):
                new_el = new_el.with_changes(key=transform.string(str(name)))
        kept.append(new_el)
    args = [kind] if kind is not None else []
    if kept:
        last = kept[-1]
        if not old.value.elements or last is not new.value.elements[-1]:
            kept[-1] = last.with_changes(comma=cst.MaybeSentinel.DEFAULT)
        args.append(keyword("attributes", new.value.with_changes(elements=kept), new))
    return args
