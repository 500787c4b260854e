"""One OpenCensus program, run under plain OpenCensus and under the shim by the real-parts
tests: a request counter, a byte sum and a latency distribution, some inside a span."""

from __future__ import annotations

from typing import Any, Dict, Tuple

from opencensus.stats import aggregation, measure, stats, view
from opencensus.tags import TagKey, TagMap, TagValue

from otelbridge.sdk.trace import TracerProvider

ROUTE = TagKey("route")
TRACER = TracerProvider().get_tracer("opencensus program")


def run() -> None:
    """Register the program's views and record its fixed sequence."""
    latency = measure.MeasureFloat("program_latency", "request latency", "ms")
    size = measure.MeasureInt("program_size", "response size", "By")
    manager = stats.stats.view_manager
    manager.register_view(
        view.View("program_requests", "requests", [ROUTE], latency, aggregation.CountAggregation())
    )
    manager.register_view(
        view.View("program_bytes", "bytes sent", [ROUTE], size, aggregation.SumAggregation())
    )
    manager.register_view(
        view.View(
            "program_latency_ms",
            "latency",
            [ROUTE],
            latency,
            aggregation.DistributionAggregation([10, 100, 1000]),
        )
    )
    for i, (route, millis) in enumerate([("/a", 5), ("/a", 50), ("/b", 500), ("/b", 5000)] * 5):
        tags = TagMap()
        tags.insert(ROUTE, TagValue(route))
        mmap = stats.stats.stats_recorder.new_measurement_map()
        mmap.measure_float_put(latency, millis + i)
        mmap.measure_int_put(size, 100 * i)
        if route == "/b":
            with TRACER.start_as_current_span("slow request"):
                mmap.record(tags)
        else:
            mmap.record(tags)


def plain_values() -> Dict[Tuple[str, str], Any]:
    """(view, route) -> value from OpenCensus' own ``get_metrics()``: counts and sums as
    numbers, distributions as (count, sum, bucket counts)."""
    values: Dict[Tuple[str, str], Any] = {}
    for metric in stats.stats.get_metrics():
        for series in metric.time_series:
            route = series.label_values[0].value
            point = series.points[0].value
            if hasattr(point, "buckets"):
                values[(metric.descriptor.name, route)] = (
                    point.count,
                    point.sum,
                    [bucket.count for bucket in point.buckets],
                )
            else:
                values[(metric.descriptor.name, route)] = point.value
    return values


def run_plain() -> Dict[Tuple[str, str], Any]:
    """Run the program under plain OpenCensus (shim not installed); its values, then reset."""
    run()
    values = plain_values()
    stats.stats.view_manager.measure_to_view_map.__init__()
    return values
