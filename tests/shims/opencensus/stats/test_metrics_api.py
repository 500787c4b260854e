"""The OpenCensus metrics API (item 4): gauges, cumulatives, derived series and custom
producers, converted by ``OpenCensusMetricProducer``."""

from __future__ import annotations

import gc
import logging
import time
from datetime import datetime

from opencensus.metrics.export import cumulative, gauge, metric_producer, summary, value
from opencensus.metrics.export.metric import Metric as OcMetric
from opencensus.metrics.export.metric_descriptor import MetricDescriptor, MetricDescriptorType
from opencensus.metrics.export.point import Point
from opencensus.metrics.export.time_series import TimeSeries
from opencensus.metrics.label_key import LabelKey
from opencensus.metrics.label_value import LabelValue

from otelbridge.sdk.metrics.export import Gauge, Sum, Summary
from otelbridge.shims.opencensus.stats import OpenCensusMetricProducer

KEYS = [LabelKey("queue", "which queue")]


def produced(producer):
    (scope_metrics,) = producer.produce()
    return {metric.name: metric for metric in scope_metrics.metrics}


def test_gauges_become_gauges_and_absent_label_values_are_left_out() -> None:
    registry = gauge.Registry()
    long_gauge = gauge.LongGauge("jobs", "jobs waiting", "1", KEYS)
    double_gauge = gauge.DoubleGauge("load", "load", "1", KEYS)
    registry.add_gauge(long_gauge)
    registry.add_gauge(double_gauge)
    long_gauge.get_or_create_time_series([LabelValue("mail")]).set(3)
    long_gauge.get_or_create_default_time_series().add(2)
    double_gauge.get_or_create_time_series([LabelValue("mail")]).set(0.75)
    found = produced(OpenCensusMetricProducer([registry]))
    assert isinstance(found["jobs"].data, Gauge)
    points = {tuple(p.attributes.items()): p.value for p in found["jobs"].data.data_points}
    assert points == {(("queue", "mail"),): 3, (): 2}
    assert found["load"].data.data_points[0].value == 0.75
    assert found["jobs"].description == "jobs waiting"


def test_derived_series_whose_callback_was_collected_are_skipped() -> None:
    registry = gauge.Registry()
    derived = gauge.DerivedDoubleGauge("temperature", "", "Cel", KEYS)
    registry.add_gauge(derived)

    class Sensor:
        def read(self) -> float:
            return 21.5

    sensor = Sensor()
    derived.create_time_series([LabelValue("kept")], sensor.read)
    derived.create_time_series([LabelValue("gone")], lambda: 99.0)  # held weakly: collected
    gc.collect()
    (point,) = produced(OpenCensusMetricProducer([registry]))["temperature"].data.data_points
    assert (point.attributes, point.value) == ({"queue": "kept"}, 21.5)


def test_cumulatives_are_monotonic_sums_that_keep_their_first_start_time() -> None:
    registry = gauge.Registry()
    total = cumulative.LongCumulative("processed", "", "1", KEYS)
    registry.add_gauge(total)
    series = total.get_or_create_time_series([LabelValue("mail")])
    series.add(5)
    producer = OpenCensusMetricProducer([registry])
    first = produced(producer)["processed"]
    assert isinstance(first.data, Sum) and first.data.is_monotonic
    time.sleep(0.01)
    series.add(2)
    second = produced(producer)["processed"].data.data_points[0]
    assert second.value == 7
    # OpenCensus stamps a new start on every collection; the first one is kept.
    assert second.start_time_unix_nano == first.data.data_points[0].start_time_unix_nano
    assert second.time_unix_nano > second.start_time_unix_nano


class CustomProducer(metric_producer.MetricProducer):
    """Emits what OpenCensus itself never does: a summary and a gauge distribution."""

    def get_metrics(self):
        now = datetime.utcnow()
        snapshot = summary.Snapshot(
            10, 55.0, [summary.ValueAtPercentile(99, 9.9), summary.ValueAtPercentile(50, 5.0)]
        )
        point = Point(value.ValueSummary(summary.Summary(10, 55.0, snapshot)), now)
        # OpenCensus Python's MetricDescriptor refuses SUMMARY (its type check omits it, though
        # the rest of its export model has it), so a producer has to set the type afterwards.
        descriptor = MetricDescriptor(
            "rpc_latency", "", "ms", MetricDescriptorType.GAUGE_INT64, KEYS
        )
        descriptor._type = MetricDescriptorType.SUMMARY
        summary_metric = OcMetric(descriptor, [TimeSeries([LabelValue("rpc")], [point], now)])
        distribution = value.ValueDistribution(1, 1.0, 0.0, value.BucketOptions(), None)
        gauge_distribution = OcMetric(
            MetricDescriptor("sizes", "", "By", MetricDescriptorType.GAUGE_DISTRIBUTION, KEYS),
            [TimeSeries([LabelValue("a")], [Point(distribution, now)], None)],
        )
        return [summary_metric, gauge_distribution]


def test_summaries_convert_and_gauge_distributions_are_dropped_with_one_warning(caplog) -> None:
    producer = OpenCensusMetricProducer([custom := CustomProducer()])
    with caplog.at_level(logging.WARNING):
        found = produced(producer)
        produced(producer)
    assert custom is not None
    assert "sizes" not in found
    assert len([r for r in caplog.records if "gauge distribution" in r.getMessage()]) == 1
    data = found["rpc_latency"].data
    assert isinstance(data, Summary)
    (point,) = data.data_points
    assert (point.count, point.sum, point.attributes) == (10, 55.0, {"queue": "rpc"})
    assert [(q.quantile, q.value) for q in point.quantile_values] == [(0.5, 5.0), (0.99, 9.9)]


def test_a_failing_producer_is_logged_and_the_others_still_report(caplog) -> None:
    class Broken(metric_producer.MetricProducer):
        def get_metrics(self):
            raise RuntimeError("boom")

    registry = gauge.Registry()
    jobs = gauge.LongGauge("jobs_ok", "", "1", KEYS)
    registry.add_gauge(jobs)
    jobs.get_or_create_time_series([LabelValue("a")]).set(1)
    broken = Broken()
    with caplog.at_level(logging.ERROR):
        found = produced(OpenCensusMetricProducer([broken, registry]))
    assert "jobs_ok" in found and "boom" in caplog.text
