"""``Tracer``: OpenCensus' ``Tracer`` recording OpenTelemetry spans.

A subclass of ``opencensus.trace.tracer.Tracer`` with the same constructor and methods (plus
``tracer_provider=``), so it can replace it anywhere. :func:`context_tracer_for` is what it (and
the bridge, for OpenCensus' own class) uses to build the delegate.
"""

from __future__ import annotations

import functools
import os
from typing import Any, Callable, Optional, TypeVar

from opencensus.trace import tracer as oc_tracer
from opentelemetry import trace as trace_api

from otelbridge.sdk.trace._tracer import Tracer as SdkTracer
from otelbridge.shims.opencensus.trace import application_exporters, exporters, sampling
from otelbridge.shims.opencensus.trace._convert import otel_span_context
from otelbridge.shims.opencensus.trace.context_tracer import ContextTracer
from otelbridge.shims.opencensus.trace.sdk_span import SdkSpanShim
from otelbridge.shims.opencensus.trace.span_context import LiveSpanContext
from otelbridge.version import __version__

__all__ = ["TRACER_NAME", "Tracer", "context_tracer_for", "honours_opencensus_samplers"]

F = TypeVar("F", bound=Callable[..., Any])

#: The instrumentation scope of OpenCensus spans.
TRACER_NAME = "opencensus-shim"

_cache: tuple[Any, Any] = (None, None)  # (provider, its tracer): one provider is the rule


def honours_opencensus_samplers() -> bool:
    """True unless ``OTEL_TRACES_SAMPLER`` is set: then the OpenTelemetry sampler decides alone."""
    return not os.environ.get("OTEL_TRACES_SAMPLER", "").strip()


def _otel_tracer(provider: Optional[trace_api.TracerProvider]) -> trace_api.Tracer:
    """The provider's tracer for OpenCensus spans; on our SDK, one whose spans are also the
    OpenCensus spans (:class:`~.sdk_span.SdkSpanShim`)."""
    global _cache
    if provider is None:
        provider = trace_api.get_tracer_provider()
    cached_provider, tracer = _cache
    if cached_provider is not provider:
        tracer = provider.get_tracer(TRACER_NAME, __version__)
        if type(tracer) is SdkTracer:
            tracer = SdkTracer(tracer._pipeline, tracer.instrumentation_scope, SdkSpanShim)
        _cache = (provider, tracer)
    return tracer  # type: ignore[no-any-return]  # the cache tuple is untyped: a hot path


def context_tracer_for(
    oc_tracer_: Any,
    tracer_provider: Optional[trace_api.TracerProvider] = None,
    honour_sampler: Optional[bool] = None,
    sampled: Optional[bool] = None,
) -> ContextTracer:
    """The delegate for an OpenCensus ``Tracer``: samples as its sampler says (unless
    ``honour_sampler`` is False, or None and ``OTEL_TRACES_SAMPLER`` is set; ``sampled`` gives
    a decision already made), and marks its ``span_context`` enabled when sampled, as
    OpenCensus does."""
    if honour_sampler is None:
        honour_sampler = honours_opencensus_samplers()
    span_context = oc_tracer_.span_context
    if not isinstance(span_context, LiveSpanContext):
        span_context = LiveSpanContext(span_context)
        oc_tracer_.span_context = span_context
    # Read the tracer's own values: the live ones would show whatever span is current.
    own = span_context.own
    remote = otel_span_context(own) if own.from_header else None
    if sampled is None:
        sampled = not honour_sampler or sampling.is_sampled(oc_tracer_.sampler, own)
    if sampled and own.trace_options is not None:
        own.trace_options.set_enabled(True)
    exporter = getattr(oc_tracer_, "exporter", None)
    if exporter is not None:
        fed = application_exporters.is_applications(exporter) and application_exporters.feed(
            tracer_provider or trace_api.get_tracer_provider()
        )
        exporters.note_exporter(exporter, fed)
    return ContextTracer(_otel_tracer(tracer_provider), span_context, sampled, remote, exporter)


class Tracer(oc_tracer.Tracer):  # type: ignore[misc]  # opencensus is untyped: base is Any
    """OpenCensus' ``Tracer`` on OpenTelemetry: spans go to ``tracer_provider`` (default: the
    global one, looked up when the Tracer is made). ``exporter`` is not called (see
    :mod:`.exporters`) unless it is the application's own (:mod:`.application_exporters`);
    ``sampler`` decides as described in :mod:`.sampling`."""

    def __init__(
        self,
        span_context: Any = None,
        sampler: Any = None,
        exporter: Any = None,
        propagator: Any = None,
        *,
        tracer_provider: Optional[trace_api.TracerProvider] = None,
    ) -> None:
        self.tracer_provider = tracer_provider
        super().__init__(span_context, sampler, exporter, propagator)

    def get_tracer(self) -> ContextTracer:
        return context_tracer_for(self, self.tracer_provider)

    def __setattr__(self, name: str, value: Any) -> None:
        """Setting ``tracer`` (the delegate, in ``__init__`` or later) also binds its
        ``start_span`` as this Tracer's ``span`` and ``start_span``: a span then costs no
        forwarding call."""
        values = self.__dict__
        values[name] = value
        if name == "tracer":
            start = getattr(value, "start_span", None)
            if start is None:
                values.pop("span", None)
                values.pop("start_span", None)
            else:
                values["span"] = values["start_span"] = start

    # One call less than OpenCensus' forwarding methods: what the bridge gives OpenCensus' own
    # Tracer class, and what a Tracer of this class uses for a delegate without start_span.
    def span(self, name: str = "span") -> Any:
        return self.tracer.start_span(name)

    def start_span(self, name: str = "span") -> Any:
        return self.tracer.start_span(name)

    def trace_decorator(self) -> Callable[[F], F]:
        """A span per call, named after the function; unlike OpenCensus' decorator, an exception
        ends the span (recorded, status ERROR) instead of leaving it open and current."""

        def decorator(func: F) -> F:
            @functools.wraps(func)
            def wrapper(*args: Any, **kwargs: Any) -> Any:
                with self.tracer.start_span(func.__name__):
                    return func(*args, **kwargs)

            return wrapper  # type: ignore[return-value]  # functools.wraps keeps func's signature

        return decorator
