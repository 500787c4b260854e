"""``ContextTracer``: what an OpenCensus ``Tracer`` delegates to, recording OpenTelemetry spans.

OpenCensus' ``Tracer`` forwards ``span``/``start_span``/``end_span``/``current_span``/
``add_attribute_to_current_span``/``finish`` to ``self.tracer``, a ``ContextTracer`` when its
sampler said yes, else a ``NoopTracer``. This class takes both places. It keeps OpenCensus'
rules: ``end_span()`` ends the *current* OpenCensus span, whichever tracer started it;
``finish()`` ends all spans this tracer still has open; the tracer's ``span_context`` is a
:class:`~.span_context.LiveSpanContext` following the current span.

Parents (see :mod:`._context`): the span OpenCensus' execution context holds, when code put it
there directly; else the current OpenTelemetry span (a native span, or the OpenCensus span that
is current); and for a tracer made from incoming headers with no OpenCensus span current, the
remote parent.
"""

from __future__ import annotations

import logging
import random
from typing import Any, List, Optional

from opentelemetry import trace as trace_api
from opentelemetry.context import Context
from opentelemetry.trace import (
    NonRecordingSpan,
    SpanContext,
    TraceFlags,
)

from otelbridge.shims.opencensus.trace._context import (
    OC_SPAN_KEY,
    SPAN_KEY,
    get_current,
    get_oc_span,
    replace_current,
    restore_oc_span,
)
from otelbridge.shims.opencensus.trace._failures import report
from otelbridge.shims.opencensus.trace.sdk_span import SdkSpanShim
from otelbridge.shims.opencensus.trace.span import SpanShim
from otelbridge.shims.opencensus.trace.span_context import LiveSpanContext

_logger = logging.getLogger("otelbridge.shims.opencensus")
_NOT_SAMPLED = TraceFlags(TraceFlags.DEFAULT)
_random_span_id = random.Random().getrandbits
_get_span = trace_api.get_current_span
#: The two OpenCensus span types of the shim (see :mod:`.sdk_span`).
_SHIM_TYPES = (SdkSpanShim, SpanShim)


class ContextTracer:
    """Starts and ends OpenCensus spans as OpenTelemetry spans for one OpenCensus ``Tracer``.

    ``sampled`` is the OpenCensus decision for that tracer; when False its spans are
    non-recording (they still carry the trace to children and outgoing headers). ``remote`` is
    the parent the tracer was made with (from incoming headers), if any.
    """

    __slots__ = (
        "_remote_context",
        "_sampled",
        "exporter",
        "opened",
        "otel_tracer",
        "span_context",
    )

    def __init__(
        self,
        otel_tracer: trace_api.Tracer,
        span_context: LiveSpanContext,
        sampled: bool,
        remote: Optional[SpanContext] = None,
        exporter: Any = None,
    ) -> None:
        self.otel_tracer = otel_tracer
        self.span_context = span_context
        self.exporter = exporter
        self._sampled = sampled
        self._remote_context = (
            None if remote is None else Context({SPAN_KEY: NonRecordingSpan(remote)})
        )
        #: The spans this tracer made current and has not ended, oldest first.
        self.opened: List[Any] = []

    def span(self, name: str = "span") -> Any:
        return self.start_span(name)

    def start_span(self, name: str = "span") -> Any:
        try:
            current = get_current()
            oc_parent = current.get(OC_SPAN_KEY)
            parent_context: Optional[Context] = None  # None: the current OpenTelemetry span's
            if oc_parent is None:
                parent_context = self._remote_context
            elif type(oc_parent) not in _SHIM_TYPES:
                oc_parent = None  # a span of OpenCensus itself, made before install
                parent_context = self._remote_context
            if self._sampled:
                otel = self.otel_tracer.start_span(name, parent_context)
            else:
                otel = self._unsampled(current if parent_context is None else parent_context)
            if type(otel) is SdkSpanShim:  # adopt(), inlined for our SDK's recording spans
                span: Any = otel
                span.parent_span = oc_parent
                span.context_tracer = self
            else:
                span = SpanShim(otel, oc_parent, self)
            # The context it replaces, put back when it ends (see end_span).
            span._previous = current
            replace_current(Context({**current, SPAN_KEY: otel, OC_SPAN_KEY: span}))
            self.opened.append(span)
            return span
        except Exception:
            report("start_span")
            from opencensus.trace.blank_span import BlankSpan

            return BlankSpan(name)

    def _unsampled(self, context: Context) -> trace_api.Span:
        parent = _get_span(context).get_span_context()
        if parent.is_valid:
            trace_id, state = parent.trace_id, parent.trace_state
        else:
            trace_id, state = int(self.span_context.own.trace_id, 16), None
        return NonRecordingSpan(
            SpanContext(trace_id, _random_span_id(64) or 1, False, _NOT_SAMPLED, state)
        )

    def end_span(self, *args: Any, **kwargs: Any) -> Any:
        """End the current OpenCensus span (else the last one this tracer opened)."""
        span = get_oc_span()
        kind = type(span)
        if kind is not SdkSpanShim and kind is not SpanShim:
            if not self.opened:
                _logger.warning("No active span, cannot do end_span.")
                return None
            span = self.opened[-1]
            kind = type(span)
        try:
            spans = (span.context_tracer or self).opened
            if spans and spans[-1] is span:
                spans.pop()
            elif span in spans:
                spans.remove(span)
            # Put back the OpenTelemetry context the span replaced, if it is still the current
            # span there (not a native span left attached), and the parent in OpenCensus' slot;
            # then end (and so export) the span, as OpenCensus exports after restoring the
            # parent. Exporting from the parent's context also lets the SDK reuse its
            # suppressed export context, derived once per parent context.
            otel = span if kind is SdkSpanShim else span.unwrap()
            previous = span._previous
            span._previous = None
            if previous is not None and get_current().get(SPAN_KEY) is otel:
                replace_current(previous)  # OpenCensus' current span with it: the parent
            else:
                restore_oc_span(span.parent_span)
            if kind is SdkSpanShim:
                otel.end()  # its finish(), one call less
            else:
                span.finish()
        except Exception:
            report("end_span")
        return span

    def current_span(self) -> Any:
        """The span in OpenCensus' execution context (as OpenCensus)."""
        return get_oc_span()

    def add_attribute_to_current_span(self, attribute_key: str, attribute_value: Any) -> None:
        """Add to the current OpenCensus span; with none, to the current OpenTelemetry span."""
        span = get_oc_span()
        if span is not None:
            span.add_attribute(attribute_key, attribute_value)
            return
        SpanShim(_get_span(), None, None).add_attribute(attribute_key, attribute_value)

    def finish(self) -> None:
        """End every span this tracer still has open."""
        while self.opened:
            self.end_span()

    def list_collected_spans(self) -> List[Any]:
        return list(self.opened)
