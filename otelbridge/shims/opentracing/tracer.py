"""``TracerShim``: the OpenTracing ``Tracer`` over any OpenTelemetry ``TracerProvider``."""

from __future__ import annotations

import logging
from typing import Any, Dict, List, Mapping, Optional, Sequence, Tuple

import opentracing
from opentelemetry import trace
from opentelemetry.context import Context
from opentelemetry.propagate import get_global_textmap
from opentelemetry.propagators.textmap import TextMapPropagator, default_getter, default_setter
from opentelemetry.trace import INVALID_SPAN_CONTEXT, Link, SpanContext, SpanKind
from opentracing import (
    Format,
    InvalidCarrierException,
    ReferenceType,
    SpanContextCorruptedException,
    UnsupportedFormatException,
)

from otelbridge.sdk.propagation.carriers import (
    carrier_getter,
    carrier_setter,
    is_readable,
    is_writable,
)
from otelbridge.shims._values import attributes
from otelbridge.shims.opentracing import binary
from otelbridge.shims.opentracing._context import (
    BAGGAGE_KEY,
    EMPTY_BAGGAGE,
    get_current,
    remote_context,
)
from otelbridge.shims.opentracing.scope import ScopeManagerShim, ScopeShim
from otelbridge.shims.opentracing.span import (
    SPAN_KINDS,
    SpanShim,
    error_status,
    seconds_to_ns,
)
from otelbridge.shims.opentracing.span_context import SpanContextShim
from otelbridge.version import __version__

_logger = logging.getLogger(__name__)

TRACER_NAME = "opentracing-shim"

_INTERNAL = SpanKind.INTERNAL  # a module constant: enum member lookup is a descriptor call
_REF_TYPE = "opentracing.ref_type"
_ROOT = Context()  # parent context of spans that ignore the active span


def _references(
    child_of: Any, references: Optional[Sequence[opentracing.Reference]]
) -> Tuple[Optional[SpanContext], List[Link], Mapping[str, object]]:
    """Parent, links and baggage from ``child_of`` and ``references``, per the specification.

    The first child_of reference is the parent, else the first reference; every reference with
    a valid OpenTelemetry context also becomes a link tagged with its ``opentracing.ref_type``;
    the baggage is the union of all references' baggage.
    """
    pairs: List[Tuple[str, Any]] = []
    if child_of is not None:
        pairs.append((ReferenceType.CHILD_OF, child_of))
    for reference in references or ():
        pairs.append((reference.type, reference.referenced_context))
    first = parent = None
    links: List[Link] = []
    baggage: Dict[str, object] = {}
    for ref_type, referenced in pairs:
        if isinstance(referenced, opentracing.Span):  # child_of accepts a span too
            referenced = referenced.context
        if referenced is None:
            continue
        baggage.update(referenced.baggage)
        if not isinstance(referenced, SpanContextShim):
            continue  # another tracer's context: only its baggage carries over
        span_context = referenced._otel_context
        if first is None:
            first = span_context
        if parent is None and ref_type == ReferenceType.CHILD_OF:
            parent = span_context
        if span_context.is_valid:
            links.append(Link(span_context, {_REF_TYPE: ref_type}))
    return parent or first, links, baggage or EMPTY_BAGGAGE


def _outgoing(span_context: Any) -> Tuple[SpanContext, Mapping[str, object]]:
    """The OpenTelemetry span context and baggage to inject for an OpenTracing context (or span)."""
    if isinstance(span_context, opentracing.Span):
        span_context = span_context.context
    if isinstance(span_context, SpanContextShim):
        return span_context._otel_context, span_context._baggage
    # Another tracer's context (or None): nothing but its baggage can be propagated.
    return INVALID_SPAN_CONTEXT, getattr(span_context, "baggage", None) or EMPTY_BAGGAGE


class TracerShim(opentracing.Tracer):
    """An OpenTracing ``Tracer`` whose spans are OpenTelemetry spans.

    ``tracer_provider`` defaults to the global one (resolved lazily, so the shim may be created
    before the provider is configured). ``TEXT_MAP`` and ``HTTP_HEADERS`` use their own
    propagator when given, else the global propagator at the time of each call. ``BINARY`` uses
    the encoding described in :mod:`otelbridge.shims.opentracing.binary`. ``attribute_names``
    renames tags as they become attributes (``otelbridge.semconv.STABLE_NAMES``; a name mapped to
    ``None`` is not recorded as an attribute); by default tags keep their names.
    """

    _scope_manager: ScopeManagerShim  # set by opentracing.Tracer.__init__

    def __init__(
        self,
        tracer_provider: Optional[trace.TracerProvider] = None,
        *,
        text_map_propagator: Optional[TextMapPropagator] = None,
        http_headers_propagator: Optional[TextMapPropagator] = None,
        attribute_names: Optional[Mapping[str, Optional[str]]] = None,
    ) -> None:
        super().__init__(ScopeManagerShim(self))
        self.attribute_names = attribute_names
        provider = tracer_provider if tracer_provider is not None else trace.get_tracer_provider()
        self._provider = provider
        self._otel_tracer = provider.get_tracer(TRACER_NAME, __version__)
        self._propagators = {
            Format.TEXT_MAP: text_map_propagator,
            Format.HTTP_HEADERS: http_headers_propagator,
        }

    @property
    def tracer_provider(self) -> trace.TracerProvider:
        """The OpenTelemetry ``TracerProvider`` this shim records into."""
        return self._provider

    @property
    def active_span(self) -> Optional[opentracing.Span]:
        scope = self._scope_manager.active
        return None if scope is None else scope.span

    def start_active_span(
        self,
        operation_name: str,
        child_of: Any = None,
        references: Optional[Sequence[opentracing.Reference]] = None,
        tags: Optional[Mapping[str, Any]] = None,
        start_time: Optional[float] = None,
        ignore_active_span: bool = False,
        finish_on_close: bool = True,
    ) -> ScopeShim:
        span = self.start_span(
            operation_name, child_of, references, tags, start_time, ignore_active_span
        )
        return self._scope_manager.activate(span, finish_on_close)

    def start_span(
        self,
        operation_name: Optional[str] = None,
        child_of: Any = None,
        references: Optional[Sequence[opentracing.Reference]] = None,
        tags: Optional[Mapping[str, Any]] = None,
        start_time: Optional[float] = None,
        ignore_active_span: bool = False,
    ) -> SpanShim:
        links = None
        if child_of is not None or references:
            parent, links, baggage = _references(child_of, references)
            context = _ROOT if parent is None else remote_context(parent, EMPTY_BAGGAGE)
        else:
            context = get_current()
            baggage = context.get(BAGGAGE_KEY) or EMPTY_BAGGAGE  # type: ignore[assignment]  # its key holds a mapping
            if ignore_active_span:
                context = _ROOT
        kind = _INTERNAL
        status = None
        attrs = None
        if tags:
            attrs = attributes(tags)
            # Any value may be tagged; one that is not a known kind's name misses the table.
            kind = SPAN_KINDS.get(attrs.get("span.kind"), _INTERNAL)
            if "error" in attrs:
                status = error_status(attrs["error"])
            names = self.attribute_names
            if names is not None:
                attrs = {
                    new: value
                    for key, value in attrs.items()
                    if (new := names.get(key, key)) is not None
                }
        otel_span = self._otel_tracer.start_span(
            operation_name or "",
            context,
            kind,
            attrs,
            links,
            None if start_time is None else seconds_to_ns(start_time),
        )
        if status is not None:
            otel_span.set_status(status)
        return SpanShim(self, otel_span, baggage)

    def inject(self, span_context: Any, format: str, carrier: Any) -> None:
        if format == Format.BINARY:
            if not isinstance(carrier, bytearray):
                raise InvalidCarrierException("Format.BINARY needs a bytearray carrier")
            carrier.extend(binary.encode(*_outgoing(span_context)))
            return
        propagator = self._text_propagator(format)
        if not is_writable(carrier):
            raise InvalidCarrierException(f"{format} needs a dict-like or list carrier")
        setter = default_setter if type(carrier) is dict else carrier_setter
        propagator.inject(carrier, context=remote_context(*_outgoing(span_context)), setter=setter)

    # OpenTracing documents None for a carrier without a context; the stubs leave that out.
    def extract(self, format: str, carrier: Any) -> Optional[SpanContextShim]:  # type: ignore[override]  # see above
        if format == Format.BINARY:
            if not isinstance(carrier, (bytes, bytearray, memoryview)):
                raise InvalidCarrierException("Format.BINARY needs a bytes-like carrier")
            span_context, baggage = binary.decode(bytes(carrier))
        else:
            propagator = self._text_propagator(format)
            if not is_readable(carrier):
                raise InvalidCarrierException(f"{format} needs a dict-like carrier or pairs")
            # TEXT_MAP keys are exact; header names, and any other carrier shape, are not.
            exact = format == Format.TEXT_MAP and type(carrier) is dict
            getter = default_getter if exact else carrier_getter
            try:
                context = propagator.extract(carrier, context=_ROOT, getter=getter)
            except Exception as exc:  # a propagator choking on garbage values
                raise SpanContextCorruptedException(str(exc)) from exc
            span_context = trace.get_current_span(context).get_span_context()
            baggage = context.get(BAGGAGE_KEY) or EMPTY_BAGGAGE  # type: ignore[assignment]  # its key holds a mapping
        # Sampled-but-invalid is how a debug request (jaeger-debug-id) without a trace looks.
        if span_context.is_valid or span_context.trace_flags.sampled or baggage:
            return SpanContextShim(span_context, baggage)
        return None

    def close(self) -> None:
        """Shut the ``TracerProvider`` down (when it can be), never raising."""
        shutdown = getattr(self._provider, "shutdown", None)
        if shutdown is None:
            return
        try:
            shutdown()
        except Exception:
            _logger.debug("TracerProvider.shutdown() failed", exc_info=True)

    def _text_propagator(self, format: str) -> TextMapPropagator:
        try:
            propagator = self._propagators[format]
        except (KeyError, TypeError):
            raise UnsupportedFormatException(format) from None
        return propagator if propagator is not None else get_global_textmap()


def create_tracer(
    tracer_provider: Optional[trace.TracerProvider] = None,
    *,
    text_map_propagator: Optional[TextMapPropagator] = None,
    http_headers_propagator: Optional[TextMapPropagator] = None,
) -> TracerShim:
    """The specification's "create an OpenTracing Tracer Shim" operation.

    Same call as ``opentelemetry.shim.opentracing_shim.create_tracer``, so code written for the
    published shim switches by changing the import.
    """
    return TracerShim(
        tracer_provider,
        text_map_propagator=text_map_propagator,
        http_headers_propagator=http_headers_propagator,
    )
