"""OpenCensus recording quirks the shim fixes (item 8) and bad input (never raises)."""

from __future__ import annotations

import logging
import threading

import pytest
from opencensus.stats import aggregation, measure, stats, view
from opencensus.stats.stats_recorder import StatsRecorder
from opencensus.tags import TagKey, TagMap, TagValue

from .conftest import metrics_by_name

KEY = TagKey("worker")


def tagged(value: str) -> TagMap:
    tags = TagMap()
    tags.insert(KEY, TagValue(value))
    return tags


def count_view(unique, m, agg=None):
    v = view.View(unique("view"), "", [KEY], m, agg or aggregation.SumAggregation())
    stats.stats.view_manager.register_view(v)
    return v.name


def totals(reader, name):
    metric = metrics_by_name(reader).get(name)
    if metric is None:
        return {}
    return {p.attributes.get("worker"): p.value for p in metric.data.data_points}


def test_every_registered_measure_is_recorded_whatever_the_order(reader, unique, caplog) -> None:
    unregistered = measure.MeasureInt(unique("nobody"), "", "1")
    registered = measure.MeasureInt(unique("requests"), "", "1")
    name = count_view(unique, registered)
    with caplog.at_level(logging.WARNING):
        for _ in range(3):
            mmap = stats.stats.stats_recorder.new_measurement_map()
            mmap.measure_int_put(unregistered, 1)  # first in the map: OpenCensus stops here
            mmap.measure_int_put(registered, 2)
            mmap.record(tagged("a"))
    assert totals(reader, name) == {"a": 6}
    warnings = [r for r in caplog.records if unregistered.name in r.getMessage()]
    assert len(warnings) == 1  # warned once


def test_a_second_measure_object_with_the_same_name_is_the_same_measure(reader, unique) -> None:
    name_of_measure = unique("bytes")
    first = measure.MeasureInt(name_of_measure, "", "By")
    name = count_view(unique, first)
    again = measure.MeasureInt(name_of_measure, "", "By")
    mmap = stats.stats.stats_recorder.new_measurement_map()
    mmap.measure_int_put(again, 10)
    mmap.record(tagged("a"))
    assert totals(reader, name) == {"a": 10}


def test_recorders_made_in_other_threads_share_one_store(reader, unique) -> None:
    m = measure.MeasureInt(unique("jobs"), "", "1")
    name = count_view(unique, m)

    def work(label: str) -> None:
        mmap = StatsRecorder().new_measurement_map()  # OpenCensus: a disconnected map
        mmap.measure_int_put(m, 1)
        mmap.record(tagged(label))

    threads = [threading.Thread(target=work, args=(f"t{i}",)) for i in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert totals(reader, name) == {"t0": 1, "t1": 1, "t2": 1, "t3": 1}


def test_eight_threads_times_fifty_thousand_records_give_exact_totals(reader, unique) -> None:
    m = measure.MeasureInt(unique("hits"), "", "1")
    sums = count_view(unique, m)
    counts = count_view(unique, m, aggregation.CountAggregation())
    tags = tagged("shared")
    start = threading.Barrier(8)

    def work() -> None:
        mmap = stats.stats.stats_recorder.new_measurement_map()
        start.wait()
        for _ in range(50_000):
            mmap.measure_int_put(m, 1)
            mmap.record(tags)

    threads = [threading.Thread(target=work) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert totals(reader, sums) == {"shared": 400_000}
    assert totals(reader, counts) == {"shared": 400_000}
    assert (
        stats.stats.view_manager.get_view(sums).tag_value_aggregation_data_map[("shared",)].sum_data
        == 400_000
    )


def test_collection_while_eight_threads_record_new_tag_values_never_raises(
    reader, unique, frequent_thread_switches
) -> None:
    m = measure.MeasureInt(unique("wide"), "", "1")
    name = count_view(unique, m, aggregation.DistributionAggregation([1, 10]))
    errors = []

    per_worker = 250  # new series enough to overlap many collections (each walks them all)

    def work(worker: int) -> None:
        mmap = stats.stats.stats_recorder.new_measurement_map()
        for i in range(per_worker):
            mmap.measure_int_put(m, 3)
            mmap.record(tagged(f"{worker}-{i}"))

    threads = [threading.Thread(target=work, args=(n,)) for n in range(8)]
    for thread in threads:
        thread.start()
    collections = 0
    while any(thread.is_alive() for thread in threads) or collections == 0:
        try:
            metrics_by_name(reader)
            list(stats.stats.get_metrics())
        except RuntimeError as exc:  # OpenCensus: dictionary changed size during iteration
            errors.append(exc)
        collections += 1
    for thread in threads:
        thread.join()
    assert errors == []
    points = metrics_by_name(reader)[name].data.data_points
    assert len(points) == 8 * per_worker and all(p.count == 1 for p in points)


@pytest.mark.parametrize("bad", ["7", None, [1], True])
def test_non_numbers_are_dropped_with_a_warning(reader, unique, caplog, bad) -> None:
    m = measure.MeasureInt(unique("n"), "", "1")
    name = count_view(unique, m)
    mmap = stats.stats.stats_recorder.new_measurement_map()
    with caplog.at_level(logging.WARNING):
        mmap.measure_int_put(m, bad)
        mmap.record(tagged("a"))
    assert "not a number" in caplog.text
    assert totals(reader, name) == {}


def test_nan_and_infinities_are_dropped_with_one_warning(reader, unique, caplog) -> None:
    m = measure.MeasureFloat(unique("f"), "", "1")
    name = count_view(unique, m)
    with caplog.at_level(logging.WARNING):
        for value in (float("nan"), float("inf"), -float("inf"), 2.5):
            mmap = stats.stats.stats_recorder.new_measurement_map()
            mmap.measure_float_put(m, value)
            mmap.record(tagged("a"))
    assert len([r for r in caplog.records if "non-finite" in r.getMessage()]) == 1
    assert totals(reader, name) == {"a": 2.5}


def test_a_negative_value_refuses_the_whole_map_as_opencensus_does(reader, unique, caplog) -> None:
    m = measure.MeasureInt(unique("neg"), "", "1")
    other = measure.MeasureInt(unique("other"), "", "1")
    name, other_name = count_view(unique, m), count_view(unique, other)
    mmap = stats.stats.stats_recorder.new_measurement_map()
    with caplog.at_level(logging.WARNING):
        mmap.measure_int_put(other, 4)
        mmap.measure_int_put(m, -1)
        mmap.record(tagged("a"))
    assert "negative" in caplog.text
    assert totals(reader, name) == {} and totals(reader, other_name) == {}


def test_tags_that_are_not_a_tag_map_are_recorded_without_tags(reader, unique, caplog) -> None:
    m = measure.MeasureInt(unique("t"), "", "1")
    name = count_view(unique, m)
    mmap = stats.stats.stats_recorder.new_measurement_map()
    mmap.measure_int_put(m, 1)
    with caplog.at_level(logging.WARNING):
        mmap.record(42)
    assert "must be a TagMap" in caplog.text
    assert totals(reader, name) == {None: 1}


def test_measure_to_view_map_record_called_directly_records_into_the_store(reader, unique) -> None:
    m = measure.MeasureInt(unique("direct"), "", "1")
    name = count_view(unique, m)
    oc_map = StatsRecorder().measure_to_view_map
    oc_map.record(tagged("a"), {m: 3}, "2026-12-01T00:00:00.000000Z")
    assert totals(reader, name) == {"a": 3}
