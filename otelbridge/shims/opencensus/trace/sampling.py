"""OpenCensus samplers in OpenTelemetry terms.

OpenCensus decides once per ``Tracer``, when it is made (one decision per request), and its
default keeps 1 request in 10,000. The shim keeps that decision, made by the OpenTelemetry
sampler that corresponds to the application's OpenCensus sampler:

* ``ProbabilitySampler(rate)``: ``ParentBased(TraceIdRatioBased(rate))`` on the Tracer's trace
  id and remote parent;
* ``AlwaysOnSampler`` / ``AlwaysOffSampler``: always / never, whatever the parent (as in
  OpenCensus);
* any other sampler: its own ``should_sample(span_context)``.

A sampled Tracer's spans are then still subject to the TracerProvider's sampler; an unsampled
Tracer's spans are non-recording and carry the not-sampled flag to their children and to
outgoing headers.
"""

from __future__ import annotations

import functools
from typing import Any, Optional

from opencensus.trace.samplers import AlwaysOffSampler, AlwaysOnSampler, ProbabilitySampler
from opentelemetry.trace import NonRecordingSpan, set_span_in_context

from otelbridge.sdk.trace.sampling import (
    ALWAYS_OFF,
    ALWAYS_ON,
    ParentBased,
    Sampler,
    TraceIdRatioBased,
)
from otelbridge.shims.opencensus.trace._convert import otel_span_context

__all__ = ["is_sampled", "otel_sampler"]


@functools.lru_cache(maxsize=32)
def _ratio_sampler(rate: float) -> Sampler:
    return ParentBased(TraceIdRatioBased(rate))


def otel_sampler(sampler: Any) -> Optional[Sampler]:
    """The OpenTelemetry sampler matching an OpenCensus one, or None for a custom sampler."""
    if isinstance(sampler, AlwaysOnSampler):
        return ALWAYS_ON
    if isinstance(sampler, AlwaysOffSampler):
        return ALWAYS_OFF
    if isinstance(sampler, ProbabilitySampler):
        return _ratio_sampler(float(sampler.rate))
    return None


def is_sampled(sampler: Any, span_context: Any) -> bool:
    """The decision for a Tracer made with ``sampler`` and ``span_context``."""
    mapped = otel_sampler(sampler)
    if mapped is None:
        return bool(sampler.should_sample(span_context))
    remote = otel_span_context(span_context) if span_context.from_header else None
    parent = None if remote is None else set_span_in_context(NonRecordingSpan(remote))
    try:
        trace_id = int(span_context.trace_id, 16)
    except (TypeError, ValueError):
        return False
    return bool(mapped.should_sample(parent, trace_id, "").decision.is_sampled())
