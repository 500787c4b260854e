"""``SdkSpanShim``: on otelbridge's SDK, one object is both the OpenCensus span and the span.

A subclass of the SDK's ``Span`` that also has OpenCensus' span API, made by the shim's own SDK
tracer (``Tracer(..., span_type=SdkSpanShim)``), so a span costs no wrapper object and no call
through one. Processors and exporters get this object, so where the two APIs name the same
thing, OpenTelemetry's reading wins: ``status``, ``kind``, ``links``, ``attributes`` and the
times read as the SDK's. OpenCensus' writes are converted when made: ``span_kind`` sets the
kind, ``status`` and ``set_status(oc_status)`` the status (the last write wins, as in
OpenCensus), ``name`` renames. Methods both APIs have (``set_status``, ``add_link``) take either
API's arguments; ``with span`` ends it the OpenCensus way (see :meth:`SdkSpanShim.__exit__`).
On any other SDK, and for spans not sampled, :class:`~.span.SpanShim` wraps the span instead.
"""

from __future__ import annotations

from time import time_ns
from typing import TYPE_CHECKING, Any, Optional

from opencensus.trace import link as oc_link
from opencensus.trace import status as oc_status
from opentelemetry.context import Context
from opentelemetry.trace import Span, SpanContext, SpanKind
from opentelemetry.trace.status import Status, StatusCode

from otelbridge.sdk.trace._span import Span as SdkSpan
from otelbridge.sdk.trace._span import _logger as _sdk_logger  # end()'s, for the inlined end
from otelbridge.shims._values import attribute_value as _attribute_value
from otelbridge.shims._values import attributes
from otelbridge.shims.opencensus.trace import _convert
from otelbridge.shims.opencensus.trace._context import (
    OC_SPAN_KEY,
    SPAN_KEY,
    get_current,
    replace_current,
    restore_oc_span,
)
from otelbridge.shims.opencensus.trace._failures import report
from otelbridge.shims.opencensus.trace.span import (
    EXACT_PRIMITIVES,
    UNSPECIFIED,
    SpanMethods,
    SpanShim,
)

if TYPE_CHECKING:
    from otelbridge.shims.opencensus.trace.context_tracer import ContextTracer

__all__ = ["SdkSpanShim", "adopt"]

#: OpenTelemetry kinds back as OpenCensus ones (SERVER 1, CLIENT 2; others unspecified).
_OC_KINDS: dict[SpanKind, int] = {SpanKind.SERVER: 1, SpanKind.CLIENT: 2}
_ERROR = StatusCode.ERROR
_set_attribute = SdkSpan.set_attribute


class SdkSpanShim(SdkSpan, SpanMethods):
    """Our SDK's span with OpenCensus' span API (see the module docstring).

    ``parent_span`` is the OpenCensus parent (None for a local root or a remote parent),
    ``context_tracer`` the tracer that made it current (None for children made with
    :meth:`span`); ``_previous`` the OpenTelemetry context it replaced when made current.
    :func:`adopt` sets them: the SDK's ``__init__`` is not overridden.
    """

    __slots__ = ("_previous", "context_tracer", "parent_span")

    context_tracer: Optional[ContextTracer]
    _previous: Optional[Context]

    def unwrap(self) -> Span:
        """The OpenTelemetry span: this object."""
        return self

    @property
    def name(self) -> str:
        return self._name

    @name.setter
    def name(self, name: str) -> None:
        self.update_name(name)

    @property
    def span_kind(self) -> int:
        """OpenCensus' kind, read back from the span's kind."""
        return _OC_KINDS.get(self._kind, UNSPECIFIED)

    @span_kind.setter
    def span_kind(self, kind: Any) -> None:
        if self._end_time is not None:
            return  # as set_kind() on an ended span, without its warning (OpenCensus has none)
        try:
            self._kind = _convert.otel_kind(kind)
        except Exception:
            report("span_kind")

    @property  # type: ignore[override]  # the same getter as ReadableSpan's, plus a setter
    def status(self) -> Status:
        """The OpenTelemetry status (what exporters read); OpenCensus statuses can be written."""
        return self._status

    @status.setter
    def status(self, status: Any) -> None:
        self._set_oc_status(status)

    def _set_oc_status(self, status: Any) -> None:
        """Replace the status, OK or not: OpenCensus' last write wins."""
        if self._end_time is not None:
            return
        try:
            self._status = _convert.otel_status(status)
        except Exception:
            report("status")

    def set_status(self, status: Any, description: Optional[str] = None) -> None:
        """OpenCensus' ``set_status(Status)`` or OpenTelemetry's, by the argument's type."""
        if isinstance(status, oc_status.Status):
            self._set_oc_status(status)
        elif isinstance(status, (Status, StatusCode)):
            SdkSpan.set_status(self, status, description)
        else:
            raise TypeError(f"Type Error: received {type(status).__name__}, but requires Status.")

    def add_link(self, link: Any, attributes: Any = None) -> None:
        """OpenCensus' ``add_link(Link)`` or OpenTelemetry's, by the argument's type."""
        if isinstance(link, SpanContext):
            SdkSpan.add_link(self, link, attributes)
        elif not isinstance(link, oc_link.Link):
            raise TypeError(f"Type Error: received {type(link).__name__}, but requires Link.")
        else:
            self._add_oc_link(link)

    def add_attribute(self, attribute_key: str, attribute_value: Any) -> None:
        if type(attribute_value) not in EXACT_PRIMITIVES:
            attribute_value = _attribute_value(attribute_value)
            if attribute_value is None:
                return
        if type(attribute_key) is not str:
            attribute_key = str(attribute_key)
        _set_attribute(self, attribute_key, attribute_value)

    def add_annotation(self, description: str, **attrs: Any) -> None:
        SdkSpan.add_event(self, str(description), attributes(attrs))

    def finish(self) -> None:
        """End the span (kind and status were applied when written)."""
        self.end()

    def __exit__(self, exc_type: Any, exc_value: Any, tb: Any) -> None:
        """Record an exception, then end the span as OpenCensus' tracer would: a span it made
        current is ended with ``end_span`` (the common case inlined: it is still the current
        OpenCensus span and its tracer's last open one), a child of ``span()`` just ends."""
        if exc_value is not None and self._end_time is None:
            try:
                self.record_exception(exc_value, escaped=True)
                self._status = Status(_ERROR, str(exc_value))
            except Exception:
                report("__exit__")
        try:
            tracer = self.context_tracer
        except AttributeError:  # started on the shim's SDK tracer directly: never adopted
            tracer = None
        if tracer is None:
            self.end()
            return
        opened = tracer.opened
        current = get_current()
        if current.get(OC_SPAN_KEY) is self and opened and opened[-1] is self:
            opened.pop()
            # As ContextTracer.end_span: the parent's context back first, then end (export).
            previous = self._previous
            self._previous = None
            if previous is not None and current.get(SPAN_KEY) is self:
                replace_current(previous)
            else:
                restore_oc_span(self.parent_span)
            # The SDK's end() inlined, so the span goes from here to its processors (export):
            # its end-once check-and-set has no call in between, as there.
            end_time = time_ns()
            if self._end_time is None and self._live is None:
                self._end_time = end_time
                for on_end in self._pipeline.on_end:
                    try:
                        on_end(self)
                    except Exception:
                        _sdk_logger.exception(
                            "Span processor failed in on_end for span %r", self._name
                        )
            else:
                self.end()  # ended already (it warns), or the SDK's self-metrics are on
            return
        tracer.end_span()

    def __repr__(self) -> str:
        return f"SdkSpanShim({self._name!r}, context={self._context})"


def adopt(
    otel_span: Span,
    parent_span: Any,
    context_tracer: Optional[ContextTracer],
) -> Any:
    """The OpenCensus span for ``otel_span``: itself when the shim's SDK tracer made it (its
    OpenCensus fields set here), else a :class:`~.span.SpanShim` wrapping it."""
    if type(otel_span) is SdkSpanShim:
        otel_span.parent_span = parent_span
        otel_span.context_tracer = context_tracer
        otel_span._previous = None
        return otel_span
    return SpanShim(otel_span, parent_span, context_tracer)
