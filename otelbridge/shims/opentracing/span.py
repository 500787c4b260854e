"""``SpanShim``: an OpenTracing Span recording into an OpenTelemetry span."""

from __future__ import annotations

import sys
import threading
from typing import TYPE_CHECKING, Any, Mapping, Optional, cast

import opentracing
from opentelemetry.context import Context
from opentelemetry.trace import Span, SpanKind
from opentelemetry.trace.status import Status, StatusCode

from otelbridge.sdk.trace import Span as SdkSpan
from otelbridge.sdk.util.fork import renew_locks_after_fork
from otelbridge.semconv import EXCEPTION_FIELDS
from otelbridge.shims._values import attribute_value, attributes
from otelbridge.shims.opentracing._context import (
    BAGGAGE_KEY,
    SCOPE_KEY,
    SPAN_KEY,
    attach,
    get_current,
)
from otelbridge.shims.opentracing.span_context import SpanContextShim

if TYPE_CHECKING:
    from otelbridge.shims.opentracing.scope import ScopeShim
    from otelbridge.shims.opentracing.tracer import TracerShim

_STATUS_ERROR = Status(StatusCode.ERROR)
_STATUS_OK = Status(StatusCode.OK)

# The ``span.kind`` tag values of OpenTracing's semantic conventions.
SPAN_KINDS: dict[object, SpanKind] = {
    "client": SpanKind.CLIENT,
    "server": SpanKind.SERVER,
    "producer": SpanKind.PRODUCER,
    "consumer": SpanKind.CONSUMER,
}

# set_baggage_item is read-modify-write of the span's context; it is rare, so one lock for all
# spans keeps the hot path free of per-span locks.
_BAGGAGE_LOCK = threading.Lock()
renew_locks_after_fork(sys.modules[__name__], "_BAGGAGE_LOCK")

# Log fields that are not event attributes: the event name, and the exception recorded itself.
_EVENT_FIELD = frozenset({"event"})
_ERROR_FIELDS = frozenset({"event", "error.object"})
# OpenTracing log fields that the exception semantic conventions rename.


def error_status(value: Any) -> Optional[Status]:
    """The status the OpenTracing ``error`` tag maps to (None: leave it unset)."""
    if value is True or (type(value) is str and value.lower() == "true"):
        return _STATUS_ERROR
    if value is False or (type(value) is str and value.lower() == "false"):
        return _STATUS_OK
    return None


def seconds_to_ns(seconds: float) -> int:
    """OpenTracing timestamps are float seconds; OpenTelemetry's are integer nanoseconds.

    Whole seconds and the fraction convert apart, so 1700000000.25 gives ...250000000 exactly
    rather than the nearest float multiple of 256 ns.
    """
    whole = int(seconds)
    return whole * 1_000_000_000 + round((seconds - whole) * 1e9)


class SpanShim(opentracing.Span):
    """An OpenTracing ``Span`` that records into an OpenTelemetry ``Span``.

    Tags become attributes (``error`` also sets the status), logs become events. ``context`` is
    an immutable :class:`SpanContextShim` holding the baggage; it is built on first use (many
    spans are never asked for it) and replaced by a new one when the baggage changes.
    """

    __slots__ = ("_baggage", "_context", "_otel_span", "_tracer")

    def __init__(
        self, tracer: Optional[TracerShim], otel_span: Span, baggage: Mapping[str, object]
    ) -> None:
        self._tracer = tracer
        self._otel_span = otel_span
        self._baggage = baggage
        self._context: Optional[SpanContextShim] = None

    @property
    def context(self) -> SpanContextShim:
        context = self._context
        if context is None:
            self._context = context = SpanContextShim(
                self._otel_span.get_span_context(), self._baggage
            )
        return context

    def unwrap(self) -> Span:
        """The underlying OpenTelemetry ``Span``."""
        return self._otel_span

    def set_operation_name(self, operation_name: str) -> SpanShim:
        self._otel_span.update_name(operation_name)
        return self

    def set_tag(self, key: str, value: Any) -> SpanShim:
        if type(value) is not str:
            value = attribute_value(value)
            if value is None:
                return self
        if type(key) is not str:
            key = str(key)
        elif key == "error":
            status = error_status(value)
            if status is not None:
                self._otel_span.set_status(status)
        elif key == "span.kind":
            self._set_kind(value)
        tracer = self._tracer
        names = None if tracer is None else tracer.attribute_names
        if names is not None and key in names:
            renamed = names[key]
            if renamed is None:
                return self
            key = renamed
        self._otel_span.set_attribute(key, value)
        return self

    def _set_kind(self, value: Any) -> None:
        """A ``span.kind`` tag after start: the kind on our SDK, only the attribute elsewhere."""
        kind = SPAN_KINDS.get(value)
        if kind is not None and isinstance(self._otel_span, SdkSpan):
            self._otel_span.set_kind(kind)

    def log_kv(self, key_values: Mapping[str, Any], timestamp: Optional[float] = None) -> SpanShim:
        time_ns = None if timestamp is None else seconds_to_ns(timestamp)
        name = key_values.get("event", "log")
        if name == "error":
            self._log_error(key_values, time_ns)
        else:
            self._otel_span.add_event(
                name if type(name) is str else str(name),
                attributes(key_values, _EVENT_FIELD),
                time_ns,
            )
        return self

    def _log_error(self, key_values: Mapping[str, Any], time_ns: Optional[int]) -> None:
        """``event="error"``: the exception semantic conventions, per the specification."""
        error = key_values.get("error.object")
        if isinstance(error, BaseException):
            fields = attributes(key_values, _ERROR_FIELDS)
            self._otel_span.record_exception(error, attributes=fields, timestamp=time_ns)
            return
        renamed = {EXCEPTION_FIELDS.get(key, key): value for key, value in key_values.items()}
        self._otel_span.add_event("exception", attributes(renamed, _ERROR_FIELDS), time_ns)

    def set_baggage_item(self, key: str, value: str) -> SpanShim:
        with _BAGGAGE_LOCK:
            baggage = dict(self._baggage)
            baggage[key] = value
            self._baggage = baggage
            self._context = None
        # Where this span is the active one, the new baggage becomes the current OpenTelemetry
        # baggage too, so native code and OpenTracing children started from here see it.
        current = get_current()
        scope = cast("Optional[ScopeShim]", current.get(SCOPE_KEY))  # only activate() sets it
        if scope is not None and scope._span is self and current.get(SPAN_KEY) is self._otel_span:
            values = current.copy()
            values[BAGGAGE_KEY] = baggage
            attach(Context(values))
        return self

    def get_baggage_item(self, key: str) -> Optional[str]:
        return self._baggage.get(key)  # type: ignore[return-value]  # set as str, typed object

    def finish(self, finish_time: Optional[float] = None) -> None:
        if finish_time is None:
            self._otel_span.end()
        else:
            self._otel_span.end(seconds_to_ns(finish_time))

    def __repr__(self) -> str:
        return f"SpanShim({self._otel_span!r})"
