"""The trace SDK, a drop-in for ``opentelemetry.sdk.trace`` (same names and module paths).

The path of a span, file by file:

1. ``_provider.py``: :class:`TracerProvider` owns one ``Pipeline`` (``_pipeline.py``): resource,
   sampler with its fast rules, id generator, limits as plain ints, and the processors' bound
   ``on_start`` / ``on_end`` hooks as tuples (``_processor.hooks_of``, built again whenever a
   processor is added; ``_processor.processors_of`` flattens the default multi-processor).
   The pipeline imports only the leaf modules ``sampling.py`` and ``id_generator.py``: no import
   loops back to it.
2. ``_tracer.py``: ``Tracer.start_span`` reads the parent's span context (by the named positions
   of ``_span_context.py``), decides by the sampler's rule for the parent's situation
   (``sampling.py``: a constant or a call for built-in samplers, else ``should_sample``), draws
   ids (``id_generator.py``), builds a :class:`Span` and calls each ``on_start`` hook.
3. ``_span.py``: the live :class:`Span` collects attributes, events and links within the limits
   (``_limits.py``, ``otelbridge.sdk.util.attributes``); ``Span.end`` calls each ``on_end``
   hook with the span itself (no copy: a ``Span`` is a ``ReadableSpan``).
4. ``export/_simple.py`` exports it at once; ``export/_batch.py`` appends it to a deque, and its
   worker thread hands batches to the exporter through ``export/_exporter.deliver_safely``.
5. Our network exporters (``otelbridge.sdk.export``): the public class at the mirrored path only
   resolves the configuration; ``export/_span_exporter.py`` encodes the batch
   (``otlp/proto/common/trace_encoder.py``, ``zipkin/_encoder.py``) and hands the bytes to the
   ``Sender`` (``export/_transport/_sender.py``: retries, outage, counters), which calls the
   transport (``_transport/_grpc.py`` or ``_transport/_http.py``) once per attempt.
"""

from otelbridge.sdk.trace._limits import SpanLimits
from otelbridge.sdk.trace._processor import (
    ConcurrentMultiSpanProcessor,
    SpanProcessor,
    SynchronousMultiSpanProcessor,
)
from otelbridge.sdk.trace._provider import TracerProvider
from otelbridge.sdk.trace._span import Event, EventBase, ReadableSpan, Span
from otelbridge.sdk.trace._tracer import Tracer

__all__ = [
    "ConcurrentMultiSpanProcessor",
    "Event",
    "EventBase",
    "ReadableSpan",
    "Span",
    "SpanLimits",
    "SpanProcessor",
    "SynchronousMultiSpanProcessor",
    "Tracer",
    "TracerProvider",
]
