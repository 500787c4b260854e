"""What the shim benchmarks share: their command line, a provider whose spans go nowhere, and
timing one round."""

from __future__ import annotations

import argparse
import gc
import time
from typing import Any, Callable


def rounds_and_number(doc: str, number: int = 20000) -> argparse.Namespace:
    """``--rounds`` (interleaved rounds, default 7) and ``--number`` (operations a round), with
    the first line of the benchmark's docstring ``doc`` as the description."""
    parser = argparse.ArgumentParser(description=doc.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=7)
    parser.add_argument("--number", type=int, default=number)
    return parser.parse_args()


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
