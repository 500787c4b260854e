"""``bridge.install()`` routes OpenCensus stats into the meter provider's readers (item 7);
``uninstall()`` gives OpenCensus back its recorder with the views registered meanwhile."""

from __future__ import annotations

import json
import logging
import sys
import textwrap
from typing import Iterator

import pytest
from opencensus.stats import aggregation, measure, stats, view
from opencensus.tags import TagKey, TagMap, TagValue

from otelbridge.bridge import install, uninstall
from otelbridge.sdk.metrics import MeterProvider
from otelbridge.sdk.metrics.export import InMemoryMetricReader
from otelbridge.sdk.trace import TracerProvider
from otelbridge.shims.opencensus import stats as stats_shim
from tests.bridge.test_run import run as run_bridged

KEY = TagKey("route")


@pytest.fixture(autouse=True)
def fresh_opencensus() -> Iterator[None]:
    stats.stats.view_manager.measure_to_view_map.__init__()
    yield
    uninstall()
    stats.stats.view_manager.measure_to_view_map.__init__()


def record(m: measure.MeasureInt, route: str) -> None:
    tags = TagMap()
    tags.insert(KEY, TagValue(route))
    mmap = stats.stats.stats_recorder.new_measurement_map()
    mmap.measure_int_put(m, 1)
    mmap.record(tags)


def counts(reader: InMemoryMetricReader, name: str) -> dict:
    return {
        p.attributes["route"]: p.value
        for rm in reader.get_metrics_data().resource_metrics
        for sm in rm.scope_metrics
        for metric in sm.metrics
        if metric.name == name
        for p in metric.data.data_points
    }


def test_install_reports_opencensus_views_and_uninstall_hands_them_back() -> None:
    before = measure.MeasureInt("bridge_requests", "", "1")
    old_view = view.View("bridge_old", "", [KEY], before, aggregation.CountAggregation())
    stats.stats.view_manager.register_view(old_view)
    record(before, "/early")  # recorded by plain OpenCensus before the bridge

    reader = InMemoryMetricReader()
    provider = MeterProvider(metric_readers=[reader], shutdown_on_exit=False)
    install(tracer_provider=TracerProvider(), meter_provider=provider)
    assert stats_shim.installed()
    new_view = view.View("bridge_new", "", [KEY], before, aggregation.SumAggregation())
    stats.stats.view_manager.register_view(new_view)
    record(before, "/a")
    assert counts(reader, "bridge_old") == {"/early": 1, "/a": 1}
    assert counts(reader, "bridge_new") == {"/a": 1}

    uninstall()
    assert not stats_shim.installed()
    assert counts(reader, "bridge_old") == {}  # the reader no longer asks the shim
    record(before, "/a")  # OpenCensus' own recorder, with both views and their data
    restored = stats.stats.view_manager.get_view("bridge_new").tag_value_aggregation_data_map
    assert restored[("/a",)].sum_data == 2
    old = stats.stats.view_manager.get_view("bridge_old").tag_value_aggregation_data_map
    assert (old[("/early",)].count_data, old[("/a",)].count_data) == (1, 2)


def test_without_an_otelbridge_meter_provider_opencensus_stats_are_left_alone(caplog) -> None:
    with caplog.at_level(logging.INFO, logger="otelbridge.bridge.opencensus_stats"):
        install(tracer_provider=TracerProvider())
    assert not stats_shim.installed()
    assert "left to OpenCensus" in caplog.text


def test_otelbridge_run_reports_an_unchanged_opencensus_stats_program(tmp_path) -> None:
    app = tmp_path / "app.py"
    app.write_text(
        textwrap.dedent(
            """
            from opencensus.stats import aggregation, measure, stats, view
            from opencensus.tags import TagKey, TagMap, TagValue

            m = measure.MeasureInt("run_jobs", "jobs", "1")
            key = TagKey("queue")
            stats.stats.view_manager.register_view(
                view.View("run_jobs_done", "jobs done", [key], m, aggregation.SumAggregation())
            )
            tags = TagMap()
            tags.insert(key, TagValue("mail"))
            mmap = stats.stats.stats_recorder.new_measurement_map()
            mmap.measure_int_put(m, 41)
            mmap.record(tags)
            mmap.measure_int_put(m, 1)
            mmap.record(tags)
            """
        )
    )
    result = run_bridged(
        [sys.executable, str(app)],
        tmp_path,
        OTEL_TRACES_EXPORTER="none",
        OTEL_METRICS_EXPORTER="console",
    )
    assert result.returncode == 0, result.stderr
    exported = json.loads(result.stdout[result.stdout.index("{") :])
    (scope_metrics,) = [
        sm
        for rm in exported["resource_metrics"]
        for sm in rm["scope_metrics"]
        if sm["scope"]["name"] == "otelbridge.shims.opencensus"
    ]
    (metric,) = scope_metrics["metrics"]
    assert metric["name"] == "run_jobs_done"
    (point,) = metric["data"]["data_points"]
    assert (point["attributes"], point["value"]) == ({"queue": "mail"}, 42)
