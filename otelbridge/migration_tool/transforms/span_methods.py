"""Span methods: ``set_tag``, ``log_kv`` (and its deprecated aliases ``log_event``/``log``),
``finish``, ``set_operation_name``, baggage, context."""

from __future__ import annotations

from typing import Optional, Union, cast

import libcst as cst
from libcst.codemod import CodemodContext

from otelbridge.migration_tool.model import SPANS, Kind
from otelbridge.migration_tool.transforms.arguments import (
    Review,
    attribute_name,
    keyword,
    seconds_to_ns,
    tag_string,
)
from otelbridge.migration_tool.transforms.base import (
    NOT_ATTRIBUTE_VALUES,
    arg,
    has_star_args,
    literal,
    str_of,
)
from otelbridge.migration_tool.transforms.span_kind import plan_of
from otelbridge.migration_tool.transforms.statements import StatementAware
from otelbridge.semconv import EXCEPTION_FIELDS

#: Methods only OpenTracing spans have: on a receiver of unknown type they are flagged.
OPENTRACING_ONLY = frozenset(
    {"set_tag", "log_kv", "set_operation_name", "set_baggage_item", "get_baggage_item", "log_event"}
)
UNKNOWN_SPAN = "span of unknown type (a parameter, or imported): not rewritten"
#: The rule of a ``set_tag(key)`` without a value (converted: its marker is a note).
ONE_ARGUMENT = "tag-without-value"
ONE_ARGUMENT_NOTE = (
    "set_tag() with a key and no value raised TypeError under OpenTracing, and set_attribute() "
    "raises it too: give the value"
)
#: The rule of a ``log_kv`` whose fields spread a mapping in (converted: its marker is a note).
SPREAD_FIELDS = "spread-fields"
SPREAD_FIELDS_NOTE = (
    "log_kv() spreads a mapping into its fields: converted as the event {event!r}; OpenTracing "
    "names the event by the last `event` key and leaves that key out of the fields, so if the "
    "spread mapping can hold one, name the event here"
)
#: The rule of a ``span.kind`` tag set after the span started (converted: its marker is a note).
LATE_KIND = "late-kind"
LATE_KIND_NOTE = (
    "span.kind set after the span started: OpenTelemetry takes a kind only at creation, so this "
    "records the `span.kind` attribute alone; give kind= where this span is started"
)


def event_name(field: Optional[Union[cst.Arg, cst.DictElement]]) -> str:
    """The literal ``event`` of an OpenTracing log (``"log"`` when absent); raises :class:`Review`.

    It must be literal: an ``error`` event maps to an exception, any other to a plain event.
    """
    if field is None:
        return "log"
    name = literal(field.value)
    if not isinstance(name, str):
        raise Review("log event name is not a literal")
    return name


def positional(item: cst.Arg, value: cst.BaseExpression) -> cst.Arg:
    """``item`` passed positionally with ``value``, keeping its comma and comments."""
    return item.with_changes(keyword=None, equal=cst.MaybeSentinel.DEFAULT, value=value)


class SpanMethods(StatementAware):
    DESCRIPTION = "OpenTracing span methods to OpenTelemetry span methods."

    def __init__(self, context: CodemodContext) -> None:
        super().__init__(context)
        #: ``set_tag("error", ...)`` statements -> the ``set_attribute`` call that follows the
        #: status (by default the bridge records both: ``otelbridge.semconv``)
        self._error_attributes: dict[cst.Call, cst.Call] = {}

    def leave_SimpleStatementLine(
        self, original_node: cst.SimpleStatementLine, updated_node: cst.SimpleStatementLine
    ) -> Union[cst.SimpleStatementLine, cst.FlattenSentinel[cst.BaseStatement]]:
        body: list[cst.BaseSmallStatement] = []
        for old, new in zip(original_node.body, updated_node.body):
            body.append(new)
            call = old.value if isinstance(old, cst.Expr) else None
            if isinstance(call, cst.Call) and call in self._error_attributes:
                body.append(cst.Expr(self._error_attributes.pop(call)))
        if len(body) == len(updated_node.body):
            return updated_node
        if len(original_node.body) == 1:  # one statement a line, as written
            first = updated_node.with_changes(body=[body[0]])
            second = cst.SimpleStatementLine([body[1]])
            return cst.FlattenSentinel([first, second])
        last = body[-1]
        body = [b.with_changes(semicolon=cst.Semicolon()) for b in body[:-1]] + [last]
        return updated_node.with_changes(body=body)

    def leave_Call(self, original_node: cst.Call, updated_node: cst.Call) -> cst.BaseExpression:
        func = original_node.func
        if not isinstance(func, cst.Attribute):
            return updated_node
        method = func.attr.value
        handler = getattr(self, "_" + method, None)
        if handler is None:
            return updated_node
        owner = self.kind(func.value)
        if owner not in SPANS:
            if owner is Kind.UNKNOWN and method in OPENTRACING_ONLY:
                self.flag(original_node, "unknown-span", UNKNOWN_SPAN)
            return updated_node
        if method != "get_baggage_item" and not self.discarded(original_node):
            self.flag(original_node, "result-used", f"result of {method}() is used: not rewritten")
            return updated_node
        try:
            result: cst.BaseExpression = handler(original_node, updated_node, owner)
        except Review as review:
            self.flag(original_node, method.replace("_", "-"), str(review))
            return updated_node
        self.rewrote()
        return result

    def _attribute_value(
        self, original: cst.BaseExpression, updated: cst.BaseExpression
    ) -> cst.BaseExpression:
        """``updated``, or ``str(updated)`` when the tag or field value ``original`` is provably a
        dict or set (written there, or every binding of the name it reads)."""
        values = self.model.bound_values(original) if isinstance(original, cst.Name) else []
        if isinstance(original, NOT_ATTRIBUTE_VALUES) or (
            values and all(isinstance(v, NOT_ATTRIBUTE_VALUES) for v in values)
        ):
            return str_of(updated)
        return updated

    def _call(self, updated: cst.Call, method: str, *args: cst.Arg) -> cst.Call:
        assert isinstance(updated.func, cst.Attribute)
        return updated.with_changes(
            func=updated.func.with_changes(attr=cst.Name(method)), args=args
        )

    def _set_tag(self, original: cst.Call, updated: cst.Call, owner: Kind) -> cst.BaseExpression:
        key, value = arg(original, "key", 0), arg(original, "value", 1)
        if key is not None and value is None and len(original.args) == 1 and not key.star:
            # a call that fails as written: converted as it is, so it fails the same way
            self.flag(original, ONE_ARGUMENT, ONE_ARGUMENT_NOTE)
            return self._call(updated, "set_attribute", *updated.args)
        if key is None or value is None or len(original.args) != 2:
            raise Review("set_tag() arguments cannot be mapped")
        name = tag_string(self, key.value)
        new_key, new_value = (updated.args[original.args.index(a)] for a in (key, value))
        if name == "span.kind":
            moved = original in plan_of(self).moved  # into the creation's kind=
            if attribute_name(self, name) is None:  # the kind alone carries it
                if moved:
                    return updated  # its statement goes
                raise Review(
                    "span.kind can only be given when the span is created in OpenTelemetry"
                )
            if not moved:  # the bridge on another SDK records the attribute alone too
                self.flag(original, LATE_KIND, LATE_KIND_NOTE)
            return self._call(  # the attribute, as the bridge records it
                updated,
                "set_attribute",
                positional(new_key, new_key.value),
                positional(new_value, new_value.value),
            )
        if name == "error":
            flag = literal(value.value)
            if isinstance(flag, str):  # the string form, as the bridge reads it too
                flag = {"true": True, "false": False}.get(flag.lower(), flag)
            if flag is not True:
                raise Review("error tag with a value other than True")
            status = self.expr(original, "{trace}.Status({trace}.StatusCode.ERROR)")
            if attribute_name(self, name) is not None:  # the bridge records the tag too
                assert isinstance(updated.func, cst.Attribute)
                self._error_attributes[original] = self._call(
                    updated,
                    "set_attribute",
                    positional(new_key, new_key.value),
                    positional(new_value, new_value.value),
                )
            return self._call(updated, "set_status", cst.Arg(status))
        renamed = attribute_name(self, name) if name is not None else None
        if renamed is not None and renamed != name:
            new_key = new_key.with_changes(value=self.string(renamed))
        return self._call(
            updated,
            "set_attribute",
            positional(new_key, new_key.value),
            positional(new_value, self._attribute_value(value.value, new_value.value)),
        )

    def _log_kv(self, original: cst.Call, updated: cst.Call, owner: Kind) -> cst.BaseExpression:
        """``log_kv({"event": name, **fields})`` → ``add_event(name, fields)``; an ``error`` event
        with an ``error.object`` → ``record_exception``, as the OpenTracing shim specification
        maps them."""
        fields = arg(original, "key_values", 0)
        stamp = arg(original, "timestamp", 1)
        if fields is None or not isinstance(fields.value, cst.Dict):
            raise Review("log_kv() with a dynamic dict: event name and attributes unknown")
        new_dict = updated.args[original.args.index(fields)].value
        assert isinstance(new_dict, cst.Dict)
        # by literal key; a mapping spread in (``**fields``) by its position
        keys: dict[Union[str, int], cst.BaseDictElement] = {}
        for element, new_element in zip(fields.value.elements, new_dict.elements):
            if not isinstance(element, cst.DictElement):  # **mapping
                keys[len(keys)] = new_element
                continue
            key = tag_string(self, element.key)
            if key is None or not isinstance(new_element, cst.DictElement):
                raise Review("log_kv() with non-literal keys: event name unknown")
            keys[key] = new_element.with_changes(
                value=self._attribute_value(element.value, new_element.value)
            )
        named = keys.pop("event", None)
        event = event_name(cast(Optional[cst.DictElement], named))
        if any(isinstance(k, int) for k in keys):  # it may hold the `event` the bridge reads
            if event == "error":
                raise Review("log_kv() of an error with fields spread in: exception fields unknown")
            self.flag(original, SPREAD_FIELDS, SPREAD_FIELDS_NOTE.format(event=event))
        error = keys.pop("error.object", None) if event == "error" else None
        if event == "error" and error is None:
            event = "exception"
            renamed: dict[Union[str, int], cst.BaseDictElement] = {}
            for k, v in keys.items():
                if isinstance(k, str) and k in EXCEPTION_FIELDS:
                    k = EXCEPTION_FIELDS[k]
                    v = v.with_changes(key=self.string(k))
                renamed[k] = v
            keys = renamed
        args = [cst.Arg(error.value) if error is not None else cst.Arg(self.string(event))]
        if keys:
            elements = list(keys.values())
            elements[-1] = elements[-1].with_changes(comma=cst.MaybeSentinel.DEFAULT)
            attrs = new_dict.with_changes(elements=elements)
            args.append(keyword("attributes", attrs) if error is not None else cst.Arg(attrs))
        if stamp is not None and literal(stamp.value) is not None:
            new_stamp = updated.args[original.args.index(stamp)]
            args.append(keyword("timestamp", seconds_to_ns(new_stamp.value)))
        return self._call(updated, "record_exception" if error is not None else "add_event", *args)

    def _log_event(self, original: cst.Call, updated: cst.Call, owner: Kind) -> cst.BaseExpression:
        """Deprecated alias: ``log_event(e, p)`` is ``log_kv({"event": e, "payload": p})``."""
        if has_star_args(original) or len(original.args) > 2:
            raise Review("log_event() arguments cannot be mapped")
        event = arg(original, "event", 0)
        if event is None:
            raise Review("log_event() without an event")
        return self._alias_event(original, updated, event, arg(original, "payload", 1), None)

    def _log(self, original: cst.Call, updated: cst.Call, owner: Kind) -> cst.BaseExpression:
        """Deprecated alias: ``log(event=, payload=, timestamp=)`` is ``log_kv`` of the first two
        (OpenTracing drops any other keyword, so one present is left for a human)."""
        given = {a.keyword.value: a for a in original.args if a.keyword is not None}
        if has_star_args(original) or len(given) != len(original.args):
            raise Review("log() arguments cannot be mapped")
        if set(given) - {"event", "payload", "timestamp"}:
            raise Review("log() fields other than event/payload are ignored by OpenTracing")
        return self._alias_event(
            original, updated, given.get("event"), given.get("payload"), given.get("timestamp")
        )

    def _alias_event(
        self,
        original: cst.Call,
        updated: cst.Call,
        event: Optional[cst.Arg],
        payload: Optional[cst.Arg],
        stamp: Optional[cst.Arg],
    ) -> cst.BaseExpression:
        """``add_event(name, {"payload": p}, timestamp=ns)``, keeping each argument's layout."""

        def new(item: cst.Arg) -> cst.Arg:
            return updated.args[original.args.index(item)]

        name = event_name(event)
        value = self.string("exception") if name == "error" else None
        args = []
        if event is None:
            args.append(cst.Arg(self.string(name)))
        else:
            args.append(positional(new(event), value or new(event).value))
        if payload is not None and literal(payload.value) is not None:
            fields = cst.Dict([cst.DictElement(self.string("payload"), new(payload).value)])
            args.append(positional(new(payload), fields))
        if stamp is not None and literal(stamp.value) is not None:
            args.append(keyword("timestamp", seconds_to_ns(new(stamp).value), new(stamp)))
        if updated.args:  # keep the layout before the closing parenthesis
            last = updated.args[-1]
            args[-1] = args[-1].with_changes(
                comma=last.comma, whitespace_after_arg=last.whitespace_after_arg
            )
        return self._call(updated, "add_event", *args)

    def _finish(self, original: cst.Call, updated: cst.Call, owner: Kind) -> cst.BaseExpression:
        stamp = arg(original, "finish_time", 0)
        if stamp is None or literal(stamp.value) is None:
            return self._call(updated, "end")
        new = updated.args[original.args.index(stamp)]
        return self._call(updated, "end", cst.Arg(seconds_to_ns(new.value)))

    def _set_operation_name(
        self, original: cst.Call, updated: cst.Call, owner: Kind
    ) -> cst.BaseExpression:
        return self._call(
            updated,
            "update_name",
            *(positional(a, a.value) for a in updated.args),
        )

    def _set_baggage_item(
        self, original: cst.Call, updated: cst.Call, owner: Kind
    ) -> cst.BaseExpression:
        if owner is not Kind.CURRENT_SPAN:
            raise Review("baggage set on a span that is not the active one")
        key, value = (a.value for a in updated.args)
        return self.expr(
            original,
            "{otel_context}.attach({baggage}.set_baggage(KEY, VALUE))",
            KEY=key,
            VALUE=value,
        )

    def _get_baggage_item(
        self, original: cst.Call, updated: cst.Call, owner: Kind
    ) -> cst.BaseExpression:
        assert isinstance(original.func, cst.Attribute)
        key = updated.args[0].value
        parent = self._extracted_parent(original.func.value)
        if parent is not None:  # a span continuing an extracted context has its baggage
            return self.expr(original, "{baggage}.get_baggage(KEY, PARENT)", KEY=key, PARENT=parent)
        if owner is not Kind.CURRENT_SPAN:
            raise Review("baggage read from a span that is not the active one")
        return self.expr(original, "{baggage}.get_baggage(KEY)", KEY=key)

    def _extracted_parent(self, span: cst.BaseExpression) -> Optional[cst.Name]:
        """The variable holding the extracted context ``span`` was started ``child_of``, if any.

        Starting a span as current does not make its parent context's baggage current, so the
        baggage an OpenTracing span got from ``extract`` is read from that context."""
        origins = self.model.origins(span)
        made = origins.pop() if len(origins) == 1 else None
        if not isinstance(made, cst.Call):
            return None
        parent = arg(made, "child_of", 1)
        if parent is None or not isinstance(parent.value, cst.Name):
            return None
        return parent.value if self.kind(parent.value) is Kind.EXTRACTED else None

    def leave_Attribute(
        self, original_node: cst.Attribute, updated_node: cst.Attribute
    ) -> cst.BaseExpression:
        attr = original_node.attr.value
        if attr == "context" and self.kind(original_node.value) in SPANS:
            self.rewrote()
            return cst.Call(updated_node.with_changes(attr=cst.Name("get_span_context")))
        if attr in ("trace_id", "span_id") and self.kind(original_node.value) is Kind.SPAN_CONTEXT:
            self.flag(
                original_node,
                "trace-id",
                "trace/span id arithmetic or formatting: OpenTelemetry ids are 128/64-bit ints, "
                "check width and format",
            )
        elif attr == "baggage" and self.kind(original_node.value) is Kind.SPAN_CONTEXT:
            self.flag(
                original_node,
                "baggage",
                "span context baggage: read it with opentelemetry.baggage.get_all()",
            )
        return updated_node
