"""What the shim benchmarks share: a provider whose spans go nowhere, and timing one round."""

from __future__ import annotations

import gc
import time
from typing import Any, Callable


def dropping_provider(trace_sdk: Any, export_module: Any) -> Any:
    """A TracerProvider of ``trace_sdk`` (otelbridge.sdk.trace or opentelemetry.sdk.trace) that
    ends every span through a SimpleSpanProcessor into an exporter that drops it."""

    class Drop(export_module.SpanExporter):  # type: ignore[misc,name-defined]
        def export(self, spans: Any) -> Any:
            return export_module.SpanExportResult.SUCCESS

    provider = trace_sdk.TracerProvider()
    provider.add_span_processor(export_module.SimpleSpanProcessor(Drop()))
    return provider


def measure(
    func: Callable[[Any, int], None],
    tracer: Any,
    number: int,
    clock: Callable[[], float] = time.perf_counter,
) -> float:
    """Seconds per operation for one round, by ``clock`` (wall time unless told otherwise)."""
    gc.collect()
    start = clock()
    func(tracer, number)
    return (clock() - start) / number
