"""OpenCensus' propagator classes with their API, on otelbridge's parsers.

Each class subclasses its OpenCensus namesake and overrides its methods: incoming headers are
read by otelbridge's OpenTelemetry propagators (``from_*`` return an OpenCensus ``SpanContext``
marked ``from_header``, or a new trace for missing or malformed headers, never an exception;
OpenCensus' own ``TraceContextPropagator`` raises on valid hex flags such as ``0a``), and
outgoing headers are written from the span context given (nothing when it has no span id,
where OpenCensus writes ``None`` into the header). The bridge puts these methods on OpenCensus'
classes while it is installed.
"""

from __future__ import annotations

from typing import Any, Dict, List, Mapping, Optional

from opencensus.trace.propagation import (
    b3_format,
    binary_format,
    google_cloud_format,
    text_format,
    trace_context_http_header_format,
)
from opencensus.trace.span_context import SpanContext as OcSpanContext
from opentelemetry.context import Context
from opentelemetry.propagators.textmap import Getter, TextMapPropagator
from opentelemetry.trace import (
    NonRecordingSpan,
    SpanContext,
    TraceFlags,
    TraceState,
    get_current_span,
    set_span_in_context,
)

from otelbridge.sdk.propagation import opencensus_binary
from otelbridge.sdk.propagation._hex import hex_id
from otelbridge.sdk.propagation.b3 import B3MultiFormat
from otelbridge.sdk.propagation.cloud_trace import HEADER as CLOUD_TRACE_HEADER
from otelbridge.sdk.propagation.cloud_trace import CloudTraceFormatPropagator
from otelbridge.sdk.propagation.tracecontext import TraceContextTextMapPropagator
from otelbridge.shims.opencensus.trace._convert import oc_span_context

__all__ = [
    "B3FormatPropagator",
    "BinaryFormatPropagator",
    "GoogleCloudFormatPropagator",
    "TextFormatPropagator",
    "TraceContextPropagator",
]


class _Headers(Getter[Any]):
    """Header names case-insensitively, from a dict or any mapping-like headers object."""

    def get(self, carrier: Any, key: str) -> Optional[List[str]]:
        if not carrier:
            return None
        value = carrier.get(key)
        if value is None and hasattr(carrier, "items"):
            for name, item in carrier.items():
                if isinstance(name, str) and name.lower() == key:
                    value = item
                    break
        if value is None:
            return None
        return list(value) if isinstance(value, (list, tuple)) else [value]

    def keys(self, carrier: Any) -> List[str]:
        return list(carrier.keys()) if carrier else []


_headers = _Headers()


def _extract(propagator: TextMapPropagator, carrier: Any) -> OcSpanContext:
    try:
        context = propagator.extract(carrier, Context(), _headers)
    except Exception:  # a carrier of a type no getter reads: a new trace, as for bad headers
        return OcSpanContext()
    return oc_span_context(get_current_span(context).get_span_context())


def _local_context(span_context: Any) -> Optional[Context]:
    """An OpenTelemetry context holding ``span_context``'s ids, or None without a span id."""
    if span_context is None:
        return None
    trace_id = hex_id(str(span_context.trace_id), 32)
    span_id = hex_id(str(span_context.span_id), 16)
    if trace_id <= 0 or span_id <= 0:
        return None
    options = span_context.trace_options
    sampled = options is not None and options.get_enabled()
    state = span_context.tracestate
    otel = SpanContext(
        trace_id,
        span_id,
        is_remote=False,
        trace_flags=TraceFlags(TraceFlags.SAMPLED if sampled else TraceFlags.DEFAULT),
        trace_state=TraceState(list(state.items())) if state else None,
    )
    return set_span_in_context(NonRecordingSpan(otel), Context())


def _inject(propagator: TextMapPropagator, span_context: Any) -> Dict[str, str]:
    carrier: Dict[str, str] = {}
    context = _local_context(span_context)
    if context is not None:
        propagator.inject(carrier, context)
    return carrier


_trace_context = TraceContextTextMapPropagator()
_b3 = B3MultiFormat()
_cloud_trace = CloudTraceFormatPropagator()


class TraceContextPropagator(trace_context_http_header_format.TraceContextPropagator):  # type: ignore[misc]  # opencensus ships no type hints: the base is Any
    """W3C ``traceparent`` / ``tracestate``."""

    def from_headers(self, headers: Any) -> OcSpanContext:
        return _extract(_trace_context, headers)

    def to_headers(self, span_context: Any) -> Dict[str, str]:
        return _inject(_trace_context, span_context)


class B3FormatPropagator(b3_format.B3FormatPropagator):  # type: ignore[misc]  # opencensus ships no type hints: the base is Any
    """B3, single ``b3`` or multiple ``x-b3-*`` headers in; multiple headers out (as OpenCensus)."""

    def from_headers(self, headers: Any) -> OcSpanContext:
        return _extract(_b3, headers)

    def to_headers(self, span_context: Any) -> Dict[str, str]:
        return _inject(_b3, span_context)


class GoogleCloudFormatPropagator(google_cloud_format.GoogleCloudFormatPropagator):  # type: ignore[misc]  # opencensus ships no type hints: the base is Any
    """``X-Cloud-Trace-Context: TRACE/SPAN;o=N`` (decimal span id)."""

    def from_header(self, header: Any) -> OcSpanContext:
        return _extract(_cloud_trace, {CLOUD_TRACE_HEADER: header} if header else None)

    def from_headers(self, headers: Any) -> OcSpanContext:
        return _extract(_cloud_trace, headers)

    def to_header(self, span_context: Any) -> Optional[str]:
        return _inject(_cloud_trace, span_context).get(CLOUD_TRACE_HEADER)

    def to_headers(self, span_context: Any) -> Dict[str, str]:
        value = self.to_header(span_context)
        return {} if value is None else {"X-Cloud-Trace-Context": value}


class BinaryFormatPropagator(binary_format.BinaryFormatPropagator):  # type: ignore[misc]  # opencensus ships no type hints: the base is Any
    """OpenCensus' binary encoding (``grpc-trace-bin``)."""

    def from_header(self, binary: Any) -> OcSpanContext:
        return oc_span_context(opencensus_binary.from_bytes(binary))

    def to_header(self, span_context: Any) -> bytes:
        context = _local_context(span_context)
        if context is None:
            return b""
        return opencensus_binary.to_bytes(get_current_span(context).get_span_context())


_TRACE_ID_KEY = text_format._TRACE_ID_KEY
_SPAN_ID_KEY = text_format._SPAN_ID_KEY
_TRACE_OPTIONS_KEY = text_format._TRACE_OPTIONS_KEY


class TextFormatPropagator(text_format.TextFormatPropagator):  # type: ignore[misc]  # opencensus ships no type hints: the base is Any
    """``opencensus-trace-traceid`` / ``-spanid`` / ``-traceoptions`` (decimal options: bit 0 is
    sampled; OpenCensus reads any present value, even ``0``, as sampled)."""

    def from_carrier(self, carrier: Mapping[str, Any]) -> OcSpanContext:
        try:
            trace_id = hex_id(str(carrier.get(_TRACE_ID_KEY, "")), 32)
            span_id = hex_id(str(carrier.get(_SPAN_ID_KEY, "")), 16)
            options = int(str(carrier.get(_TRACE_OPTIONS_KEY, "0")).strip() or "0")
        except (AttributeError, ValueError):
            return OcSpanContext()
        if trace_id <= 0 or span_id <= 0:
            return OcSpanContext()
        flags = TraceFlags(TraceFlags.SAMPLED if options & 1 else TraceFlags.DEFAULT)
        return oc_span_context(SpanContext(trace_id, span_id, True, flags))

    def to_carrier(self, span_context: Any, carrier: Dict[str, Any]) -> Dict[str, Any]:
        context = _local_context(span_context)
        if context is not None:
            otel = get_current_span(context).get_span_context()
            carrier[_TRACE_ID_KEY] = f"{otel.trace_id:032x}"
            carrier[_SPAN_ID_KEY] = f"{otel.span_id:016x}"
            carrier[_TRACE_OPTIONS_KEY] = str(otel.trace_flags & 1)
        return carrier
