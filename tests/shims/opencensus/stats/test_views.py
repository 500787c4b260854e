"""OpenCensus views become one OpenTelemetry metric each (item 1) with tags as attributes
(item 2)."""

from __future__ import annotations

import logging

from opencensus.stats import aggregation, measure, stats, view
from opencensus.tags import TagContext, TagKey, TagMap, TagValue

from otelbridge.sdk.metrics.export import AggregationTemporality, Gauge, Histogram, Sum
from otelbridge.shims.opencensus.stats import PRODUCER
from otelbridge.version import __version__

from .conftest import metrics_by_name

METHOD, ROUTE = TagKey("method"), TagKey("route")


def tags(**values: str) -> TagMap:
    tag_map = TagMap()
    for key, value in values.items():
        tag_map.insert(TagKey(key), TagValue(value))
    return tag_map


def record(m, value, tag_map=None, **attachments):
    mmap = stats.stats.stats_recorder.new_measurement_map()
    if isinstance(m, measure.MeasureInt):
        mmap.measure_int_put(m, value)
    else:
        mmap.measure_float_put(m, value)
    for key, text in attachments.items():
        mmap.measure_put_attachment(key, text)
    mmap.record(tag_map)


def register(unique, m, agg, columns=(METHOD,)):
    v = view.View(unique("view"), "what it shows", list(columns), m, agg)
    stats.stats.view_manager.register_view(v)
    return v.name


def test_count_sum_last_value_and_distribution_map_to_their_points(reader, unique) -> None:
    m = measure.MeasureFloat(unique("latency"), "latency", "ms")
    count = register(unique, m, aggregation.CountAggregation())
    total = register(unique, m, aggregation.SumAggregation())
    last = register(unique, m, aggregation.LastValueAggregation())
    dist = register(unique, m, aggregation.DistributionAggregation([0, 1, 5, 10]))
    for value in (0.5, 1.0, 3.0, 20.0):
        record(m, value, tags(method="GET"))

    found = metrics_by_name(reader)
    assert isinstance(found[count].data, Sum) and found[count].data.is_monotonic
    assert found[count].data.aggregation_temporality is AggregationTemporality.CUMULATIVE
    assert found[count].data.data_points[0].value == 4
    assert isinstance(found[count].data.data_points[0].value, int)
    assert found[total].data.is_monotonic and found[total].data.data_points[0].value == 24.5
    assert isinstance(found[last].data, Gauge) and found[last].data.data_points[0].value == 20.0
    histogram = found[dist].data
    assert isinstance(histogram, Histogram)
    point = histogram.data_points[0]
    # Non-positive bounds dropped as OpenCensus does; its buckets are [lo, hi): 1.0 is in [1, 5).
    assert list(point.explicit_bounds) == [1, 5, 10]
    assert list(point.bucket_counts) == [1, 2, 0, 1]
    assert (point.count, point.sum) == (4, 24.5)
    assert found[dist].unit == "ms" and found[dist].description == "what it shows"
    assert point.attributes == {"method": "GET"}


def test_one_scope_named_after_the_shim_with_our_version(reader, unique) -> None:
    m = measure.MeasureInt(unique("requests"), "requests", "1")
    register(unique, m, aggregation.CountAggregation())
    record(m, 1, tags(method="GET"))
    (scope_metrics,) = reader.get_metrics_data().resource_metrics[0].scope_metrics
    assert (scope_metrics.scope.name, scope_metrics.scope.version) == (
        "otelbridge.shims.opencensus",
        __version__,
    )


def test_absent_columns_are_left_out_and_context_tags_are_used(reader, unique) -> None:
    m = measure.MeasureInt(unique("requests"), "requests", "1")
    name = register(unique, m, aggregation.CountAggregation(), columns=(METHOD, ROUTE))
    record(m, 1, tags(method="GET"))
    TagContext.set(tags(method="POST", route="/a"))
    try:
        record(m, 1)  # no tag map given: the context's
    finally:
        TagContext.set(None)
    points = {
        tuple(sorted(p.attributes.items())): p.value
        for p in metrics_by_name(reader)[name].data.data_points
    }
    assert points == {(("method", "GET"),): 1, (("method", "POST"), ("route", "/a")): 1}


def test_views_without_data_are_not_reported(reader, unique) -> None:
    m = measure.MeasureInt(unique("requests"), "requests", "1")
    name = register(unique, m, aggregation.CountAggregation())
    assert name not in metrics_by_name(reader)
    assert PRODUCER.produce() == []


def test_a_second_view_with_a_taken_name_is_ignored_with_a_warning(reader, unique, caplog) -> None:
    m = measure.MeasureInt(unique("requests"), "requests", "1")
    first = view.View(unique("v"), "", [METHOD], m, aggregation.CountAggregation())
    clash = view.View(first.name, "", [METHOD], m, aggregation.SumAggregation())
    stats.stats.view_manager.register_view(first)
    with caplog.at_level(logging.WARNING):
        stats.stats.view_manager.register_view(clash)
        stats.stats.view_manager.register_view(first)  # the same view again: silently ignored
    assert [r.getMessage() for r in caplog.records if "already registered" in r.getMessage()]
    assert len(caplog.records) == 1
    record(m, 5, tags(method="GET"))
    assert metrics_by_name(reader)[first.name].data.data_points[0].value == 1
