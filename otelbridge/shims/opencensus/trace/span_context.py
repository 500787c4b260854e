"""``LiveSpanContext``: an OpenCensus ``Tracer.span_context`` that follows the current span.

OpenCensus writes the current span's id into the tracer's shared ``span_context`` on every
start and end; integrations read it to inject outgoing headers, and ``opencensus.log`` to put
ids on log records. Here reading does the work instead: ``trace_id``, ``span_id``,
``trace_options`` and ``tracestate`` are those of the current OpenTelemetry span (an OpenCensus
span started through the shim, or a native span inside it), so span starts pay nothing and
concurrent requests sharing one tracer each see their own span. With no current span they are
the values the tracer was made with (a remote parent's, or a new trace id), which writes change.
"""

from __future__ import annotations

from typing import Any, Optional

from opencensus.trace.span_context import SpanContext as OcSpanContext
from opencensus.trace.trace_options import TraceOptions
from opencensus.trace.tracestate import Tracestate
from opentelemetry import trace as trace_api

from otelbridge.shims.opencensus.trace._context import get_current

__all__ = ["LiveSpanContext"]

_get_span = trace_api.get_current_span


def _current() -> Optional[trace_api.SpanContext]:
    context = _get_span(get_current()).get_span_context()
    return context if context.is_valid else None


def _hex_id_property(name: str, digits: int) -> Any:
    """The current span's id ``name`` in ``digits`` hex digits, else the own context's."""

    def get(self: LiveSpanContext) -> Optional[str]:
        context = _current()
        if context is None:
            return getattr(self.own, name)  # type: ignore[no-any-return]  # untyped opencensus object
        return format(getattr(context, name), f"0{digits}x")

    def set(self: LiveSpanContext, value: Optional[str]) -> None:
        setattr(self.own, name, value)

    return property(get, set)


class LiveSpanContext(OcSpanContext):  # type: ignore[misc]  # opencensus is untyped: base is Any
    """An OpenCensus ``SpanContext`` showing the current span (see the module docstring);
    ``own`` is the ``SpanContext`` the tracer was made with, which holds the values shown when
    no span is current and receives writes."""

    def __init__(self, own: Any) -> None:  # no super().__init__: it would draw a trace id
        self.__dict__["own"] = own

    @property
    def from_header(self) -> bool:
        return self.own.from_header  # type: ignore[no-any-return]  # untyped opencensus object

    @from_header.setter
    def from_header(self, value: bool) -> None:
        self.own.from_header = value

    trace_id = _hex_id_property("trace_id", 32)
    span_id = _hex_id_property("span_id", 16)

    @property
    def trace_options(self) -> Any:
        context = _current()
        if context is None:
            return self.own.trace_options
        return TraceOptions("1" if context.trace_flags.sampled else "0")

    @trace_options.setter
    def trace_options(self, value: Any) -> None:
        self.own.trace_options = value

    @property
    def tracestate(self) -> Any:
        context = _current()
        if context is None:
            return self.own.tracestate
        if not context.trace_state:
            return None
        state = Tracestate()
        for key, value in context.trace_state.items():
            state[key] = value
        return state

    @tracestate.setter
    def tracestate(self, value: Any) -> None:
        self.own.tracestate = value
