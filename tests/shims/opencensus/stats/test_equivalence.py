"""What the application reads back stays true (item 5): the same recordings give the same
``get_view`` and ``get_metrics`` values in plain OpenCensus and under the shim."""

from __future__ import annotations

import random
from typing import Any, List, Tuple

from opencensus.stats import aggregation, measure, stats, view
from opencensus.tags import TagKey, TagMap, TagValue

from otelbridge.shims.opencensus import stats as shim

METHOD, ROUTE = TagKey("method"), TagKey("route")


def views(latency: Any, size: Any) -> List[Any]:
    return [
        view.View("eq_count", "count", [METHOD], latency, aggregation.CountAggregation()),
        view.View("eq_sum", "sum", [METHOD, ROUTE], size, aggregation.SumAggregation()),
        view.View("eq_last", "last", [ROUTE], size, aggregation.LastValueAggregation()),
        view.View(
            "eq_dist", "dist", [METHOD], latency, aggregation.DistributionAggregation([1, 5, 50])
        ),
        view.View("eq_nobounds", "d", [], latency, aggregation.DistributionAggregation()),
    ]


def recordings() -> List[Tuple[float, int, dict, dict]]:
    rng = random.Random(7)
    rows = []
    for _ in range(300):
        tags = {"method": rng.choice(["GET", "PUT"])}
        if rng.random() < 0.7:
            tags["route"] = rng.choice(["/a", "/b", "/c"])
        attachments = {"request": str(rng.randrange(9))} if rng.random() < 0.3 else {}
        rows.append((round(rng.uniform(0, 80), 3), rng.randrange(1, 1000), tags, attachments))
    return rows


def run_program() -> Tuple[Any, Any]:
    """Register the views, record the fixed sequence; return (views read back, metrics)."""
    latency = measure.MeasureFloat("eq_latency", "latency", "ms")
    size = measure.MeasureInt("eq_size", "size", "By")
    for v in views(latency, size):
        stats.stats.view_manager.register_view(v)
    for seconds, nbytes, tags, attachments in recordings():
        tag_map = TagMap()
        for key, value in tags.items():
            tag_map.insert(TagKey(key), TagValue(value))
        mmap = stats.stats.stats_recorder.new_measurement_map()
        mmap.measure_float_put(latency, seconds)
        mmap.measure_int_put(size, nbytes)
        for key, value in attachments.items():
            mmap.measure_put_attachment(key, value)
        mmap.record(tag_map)
    names = [v.name for v in views(latency, size)]
    read_back = {name: describe_view(stats.stats.view_manager.get_view(name)) for name in names}
    return read_back, sorted(describe_metric(m) for m in stats.stats.get_metrics())


def describe_data(data: Any) -> Any:
    fields = (
        "count_data",
        "sum_data",
        "value",
        "mean_data",
        "sum_of_sqd_deviations",
        "counts_per_bucket",
        "bounds",
        "variance",
    )
    described = {name: getattr(data, name) for name in fields if hasattr(data, name)}
    exemplars = getattr(data, "exemplars", None)
    if exemplars:
        described["exemplars"] = {
            bucket: (e.value, e.attachments) for bucket, e in exemplars.items() if e is not None
        }
    return described


def describe_view(view_data: Any) -> Any:
    return (
        view_data.view.name,
        view_data.start_time,
        {key: describe_data(d) for key, d in view_data.tag_value_aggregation_data_map.items()},
    )


def describe_value(value: Any) -> Any:
    if hasattr(value, "buckets"):
        buckets = [
            (b.count, b.exemplar and (b.exemplar.value, b.exemplar.attachments))
            for b in value.buckets or ()
        ]
        return (value.count, value.sum, value.sum_of_squared_deviation, buckets)
    return value.value


def describe_metric(metric: Any) -> Any:
    descriptor = metric.descriptor
    series = sorted(
        (
            tuple(str(v.value) for v in ts.label_values),
            ts.start_timestamp,
            tuple(describe_value(p.value) for p in ts.points),
        )
        for ts in metric.time_series
    )
    keys = tuple(k.key for k in descriptor.label_keys)
    return (descriptor.name, descriptor.unit, descriptor.type, keys, repr(series))


def test_shim_reads_back_what_plain_opencensus_does() -> None:
    plain = run_program()
    stats.stats.view_manager.measure_to_view_map.__init__()
    shim.install()
    shimmed = run_program()
    assert shimmed[0] == plain[0]
    assert shimmed[1] == plain[1]
    assert {name for name, *_ in plain[1]} == {
        "eq_count",
        "eq_sum",
        "eq_last",
        "eq_dist",
        "eq_nobounds",
    }
