"""The :class:`TracerProvider`: owns the resource, sampler, limits and processors."""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING, Dict, Optional, Sequence, Tuple

from opentelemetry import metrics as metrics_api
from opentelemetry import trace as trace_api

from otelbridge.sdk.resources import Resource
from otelbridge.sdk.trace._limits import SpanLimits
from otelbridge.sdk.trace._pipeline import Pipeline
from otelbridge.sdk.trace._processor import (
    SpanProcessor,
    SynchronousMultiSpanProcessor,
    hooks_of,
    processors_of,
)
from otelbridge.sdk.trace._self_metrics import span_metrics
from otelbridge.sdk.trace._tracer import Tracer
from otelbridge.sdk.trace.id_generator import IdGenerator, RandomIdGenerator
from otelbridge.sdk.trace.sampling import Sampler, sampler_from_env
from otelbridge.sdk.util.env import sdk_disabled
from otelbridge.sdk.util.instrumentation import InstrumentationScope
from otelbridge.sdk.util.lifecycle import Lifecycle, shutdown_at_exit

if TYPE_CHECKING:
    from opentelemetry.util.types import Attributes

_logger = logging.getLogger(__name__)


def _default_sampler() -> Sampler:
    try:
        return sampler_from_env()
    except ValueError as exc:
        _logger.error("%s; using parentbased_always_on", exc)
        from otelbridge.sdk.trace.sampling import DEFAULT_ON

        return DEFAULT_ON


class TracerProvider(trace_api.TracerProvider):
    """The SDK's entry point, a drop-in for ``opentelemetry.sdk.trace.TracerProvider``.

    Defaults come from the environment: the sampler from ``OTEL_TRACES_SAMPLER(_ARG)``, the
    resource from :meth:`Resource.create`, limits from the ``OTEL_*_LIMIT`` variables.
    ``meter_provider`` receives the SDK's span metrics when
    ``OTEL_PYTHON_SDK_INTERNAL_METRICS_ENABLED=true`` (default: the global meter provider).
    """

    def __init__(
        self,
        sampler: Optional[Sampler] = None,
        resource: Optional[Resource] = None,
        shutdown_on_exit: bool = True,
        active_span_processor: Optional[SpanProcessor] = None,
        id_generator: Optional[IdGenerator] = None,
        span_limits: Optional[SpanLimits] = None,
        meter_provider: Optional[metrics_api.MeterProvider] = None,
    ) -> None:
        self._resource = Resource.create() if resource is None else resource
        self.sampler = _default_sampler() if sampler is None else sampler
        self.id_generator = RandomIdGenerator() if id_generator is None else id_generator
        self._span_limits = SpanLimits() if span_limits is None else span_limits
        self._active_span_processor = active_span_processor or SynchronousMultiSpanProcessor()
        self._pipeline = Pipeline(
            self._resource, self.sampler, self.id_generator, self._span_limits
        )
        self._set_hooks()
        self._pipeline.span_metrics = span_metrics(meter_provider)
        self._tracers: Dict[Tuple[str, str, Optional[str]], Tracer] = {}
        self._disabled = sdk_disabled()
        self._lifecycle = Lifecycle("TracerProvider")
        if shutdown_on_exit:
            shutdown_at_exit(self)

    @property
    def resource(self) -> Resource:
        return self._resource

    @property
    def span_processors(self) -> Tuple[SpanProcessor, ...]:
        """The processors spans go through, in order (an otelbridge extension, read-only: for
        reports such as the bridge's count of spans that could not be delivered at exit)."""
        return tuple(processors_of(self._active_span_processor))

    def get_tracer(
        self,
        instrumenting_module_name: str,
        instrumenting_library_version: Optional[str] = None,
        schema_url: Optional[str] = None,
        attributes: Attributes = None,
    ) -> trace_api.Tracer:
        """One cached tracer per scope (name, version, schema URL, attributes)."""
        if self._disabled:
            return trace_api.NoOpTracer()
        if not instrumenting_module_name:
            _logger.error("get_tracer called with an invalid name %r", instrumenting_module_name)
            instrumenting_module_name = ""
        if instrumenting_library_version is None:
            instrumenting_library_version = ""  # as opentelemetry-sdk: exporters see "", not None
        key = (instrumenting_module_name, instrumenting_library_version, schema_url)
        if attributes is None:
            tracer = self._tracers.get(key)
            if tracer is not None:
                return tracer
        scope = InstrumentationScope(
            instrumenting_module_name, instrumenting_library_version, schema_url, attributes
        )
        tracer = Tracer(self._pipeline, scope)
        if attributes is None:
            self._tracers[key] = tracer
        return tracer

    def add_span_processor(self, span_processor: SpanProcessor) -> None:
        """Register a processor; it sees spans started from now on, and those ending from now on."""
        if not isinstance(self._active_span_processor, SynchronousMultiSpanProcessor):
            raise TypeError("add_span_processor needs the default active span processor")
        self._active_span_processor.add_span_processor(span_processor)
        self._set_hooks()

    def _set_hooks(self) -> None:
        """Point the pipeline at the current processors' hooks (one tuple each, swapped whole:
        spans starting or ending meanwhile see either the old or the new processors)."""
        self._pipeline.on_start, self._pipeline.on_end = hooks_of(self._active_span_processor)

    def _reconfigure(
        self,
        resource: Optional[Resource] = None,
        sampler: Optional[Sampler] = None,
        span_processors: Optional[Sequence[SpanProcessor]] = None,
    ) -> None:
        """Apply later settings to this provider in place (``configure()`` does, when this
        provider is already the global one and the API would refuse a second).

        New ``span_processors`` replace the current ones, which are shut down (flushed). Spans
        started from now on see the changes.
        """
        if resource is not None:
            self._resource = self._pipeline.resource = resource
        if sampler is not None:
            self.sampler = sampler
            self._pipeline.set_sampler(sampler)
        if span_processors is not None:
            previous = self._active_span_processor
            replacement = SynchronousMultiSpanProcessor()
            for processor in span_processors:
                replacement.add_span_processor(processor)
            self._active_span_processor = replacement
            self._set_hooks()
            previous.shutdown()

    def force_flush(self, timeout_millis: int = 30000) -> bool:
        return self._active_span_processor.force_flush(timeout_millis)

    def shutdown(self) -> None:
        """Shut the processors down (flushing them). A second call only warns."""
        if not self._lifecycle.begin_shutdown():
            return
        self._active_span_processor.shutdown()
        self._lifecycle.end_shutdown()
