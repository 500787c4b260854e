"""``span.add_message_event(MessageEvent(...))``/``span.add_link(Link(...))`` -> ``add_event``
and ``add_link``, named as the OpenCensus shim records them (so a migrated program's spans are what
they were under the bridge): a message event is an event named by the message id with its type and
sizes as ``message.event.*`` attributes. A link's ids are hex strings; its type has no
OpenTelemetry equivalent and is dropped (the shim keeps it as an ``opencensus.*`` attribute, a name
migrated code should not carry on).

Only literal ``MessageEvent``/``Link`` constructions map: a message event stamped now
(``datetime.utcnow()``, what OpenCensus' own integrations pass; OpenTelemetry stamps events
itself) with a literal type member, a link without OpenCensus ``Attributes``.
"""

from __future__ import annotations

from typing import Callable, Optional

import libcst as cst

from otelbridge.migration_tool.transforms.base import arg, has_star_args, literal

_TRACE = "opencensus.trace."
MESSAGE_EVENT = _TRACE + "time_event.MessageEvent"
MESSAGE_TYPE = _TRACE + "time_event.Type."
LINK = _TRACE + "link.Link"
LINK_TYPE = _TRACE + "link.Type."
_NOW = frozenset({"datetime.datetime.utcnow", "datetime.datetime.now"})
_UNSPECIFIED = "TYPE_UNSPECIFIED"
#: (attribute, ``MessageEvent`` parameter, position) of the sizes.
_SIZES = (
    ("message.event.size.uncompressed", "uncompressed_size_bytes", 3),
    ("message.event.size.compressed", "compressed_size_bytes", 4),
)
Names = Callable[[cst.CSTNode], set[str]]
#: builds the OpenTelemetry arguments: (string literal maker, ``trace`` module's local name)
Arguments = Callable[[Callable[[str], cst.SimpleString], str], list[cst.Arg]]


def mapping(method: str, call: cst.Call, names: Names) -> Optional[Arguments]:
    """How ``span.<method>(...)`` (``add_message_event`` or ``add_link``) maps, if it does."""
    given = call.args[0].value if len(call.args) == 1 and not call.args[0].keyword else None
    if not isinstance(given, cst.Call) or has_star_args(given):
        return None
    made = names(given.func)
    if method == "add_message_event" and MESSAGE_EVENT in made:
        return _message_event(given, names)
    if method == "add_link" and LINK in made:
        return _link(given, names)
    return None


def _member(node: Optional[cst.Arg], prefix: str, names: Names) -> Optional[str]:
    """The ``Type`` member an argument names (``TYPE_UNSPECIFIED`` when absent or None)."""
    if node is None or literal(node.value) is None:
        return _UNSPECIFIED
    members = [n[len(prefix) :] for n in names(node.value) if n.startswith(prefix)]
    return members[0] if members and "." not in members[0] else None


def _message_event(event: cst.Call, names: Names) -> Optional[Arguments]:
    stamp, ident = arg(event, "timestamp", 0), arg(event, "id", 1)
    kind = _member(arg(event, "type", 2), MESSAGE_TYPE, names)
    if stamp is None or ident is None or kind is None:
        return None
    now = stamp.value
    if not (isinstance(now, cst.Call) and not now.args and names(now.func) & _NOW):
        return None
    sizes = [(key, arg(event, name, position)) for key, name, position in _SIZES]

    def build(string: Callable[[str], cst.SimpleString], trace: str) -> list[cst.Arg]:
        name = ident.value
        if not isinstance(literal(name), str):
            name = cst.Call(cst.Name("str"), [cst.Arg(name)])
        elements = [cst.DictElement(string("message.event.type"), string(kind))]
        elements += [
            cst.DictElement(string(key), size.value)
            for key, size in sizes
            if size is not None and literal(size.value) is not None
        ]
        return [cst.Arg(name), cst.Arg(cst.Dict(elements))]

    return build


def _link(link: cst.Call, names: Names) -> Optional[Arguments]:
    trace_id, span_id = arg(link, "trace_id", 0), arg(link, "span_id", 1)
    attributes = arg(link, "attributes", 3)
    if (
        trace_id is None
        or span_id is None
        or _member(arg(link, "type", 2), LINK_TYPE, names) is None
    ):
        return None
    if attributes is not None and literal(attributes.value) is not None:
        return None

    def build(string: Callable[[str], cst.SimpleString], trace: str) -> list[cst.Arg]:
        def hex_id(value: cst.BaseExpression) -> cst.Call:
            return cst.Call(cst.Name("int"), [cst.Arg(value), cst.Arg(cst.Integer("16"))])

        context = cst.parse_expression(f"{trace}.SpanContext(T, S, is_remote=True)")
        assert isinstance(context, cst.Call)
        context = context.with_changes(
            args=[cst.Arg(hex_id(trace_id.value)), cst.Arg(hex_id(span_id.value)), context.args[2]]
        )
        return [cst.Arg(context)]

    return build
