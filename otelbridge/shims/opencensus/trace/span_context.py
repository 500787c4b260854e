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


class LiveSpanContext(OcSpanContext):  # type: ignore[misc]
    """An OpenCensus ``SpanContext`` showing the current span (see the module docstring);
    ``own`` is the ``SpanContext`` the tracer was made with, which holds the values shown when
    no span is current and receives writes."""

    def __init__(self, own: Any) -> None:  # no super().__init__: it would draw a trace id
        self.__dict__["own"] = own

    @property  # type: ignore[override]
    def from_header(self) -> bool:
        return self.own.from_header  # type: ignore[no-any-return]

    @from_header.setter
    def from_header(self, value: bool) -> None:
        self.own.from_header = value

    @property  # type: ignore[override]
    def trace_id(self) -> str:
        context = _current()
        return self.own.trace_id if context is None else f"{context.trace_id:032x}"

    @trace_id.setter
    def trace_id(self, value: str) -> None:
        self.own.trace_id = value

    @property  # type: ignore[override]
    def span_id(self) -> Optional[str]:
        context = _current()
        return self.own.span_id if context is None else f"{context.span_id:016x}"

    @span_id.setter
    def span_id(self, value: Optional[str]) -> None:
        self.own.span_id = value

    @property  # type: ignore[override]
    def trace_options(self) -> Any:
        context = _current()
        if context is None:
            return self.own.trace_options
        return TraceOptions("1" if context.trace_flags.sampled else "0")

    @trace_options.setter
    def trace_options(self, value: Any) -> None:
        self.own.trace_options = value

    @property  # type: ignore[override]
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
