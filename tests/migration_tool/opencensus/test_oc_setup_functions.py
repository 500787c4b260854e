# ruff: noqa: E501  (the program fixtures keep their real line lengths)
"""Stats set up in a function of their own (``setup_open_census()``, OpenCensus' quickstart
shape): ``configure()`` goes where the registrations were, so the program still sets up when it
calls the function (a Prometheus port is bound then, not at import) and the function's own
values (the port it is given) reach the reader. A function that also makes measures or records
(a request handler, maybe run per request) keeps the module-level set-up."""

from __future__ import annotations

import re
import textwrap
from pathlib import Path

from otelbridge.migration_tool.pipeline import migrate_source
from tests.migration_tool.projects import (
    free_port,
    migrated_source,
    prometheus_samples,
    run_script,
)

PROGRAM = """
from opencensus.ext.prometheus import stats_exporter as prometheus
from opencensus.stats import aggregation, measure, stats, view
from opencensus.tags import TagKey, TagMap, TagValue

ROUTE = TagKey("route")
LATENCY = measure.MeasureFloat("latency", "request latency", "ms")
REQUESTS_VIEW = view.View("requests", "requests by route", [ROUTE], LATENCY, aggregation.CountAggregation())


def setup_open_census(port):
    view_manager = stats.stats.view_manager
    view_manager.register_view(REQUESTS_VIEW)

    exporter = prometheus.new_stats_exporter(prometheus.Options(namespace="shop", port=port, address="127.0.0.1"))
    view_manager.register_exporter(exporter)


def handled(route, ms):
    mmap = stats.stats.stats_recorder.new_measurement_map()
    mmap.measure_float_put(LATENCY, ms)
    tags = TagMap()
    tags.insert(ROUTE, TagValue(route))
    mmap.record(tags)
"""

SCRAPE = """
import socket, sys, urllib.request
sys.path.insert(0, sys.argv[1])
port = int(sys.argv[2])
import app
with socket.socket() as probe:  # nothing listens before the program sets up
    assert probe.connect_ex(("127.0.0.1", port)) != 0
app.setup_open_census(port)
app.handled("/cart", 5.0)
app.handled("/cart", 50.0)
app.handled("/pay", 500.0)
print(urllib.request.urlopen(f"http://127.0.0.1:{port}/metrics", timeout=5).read().decode())
"""


def test_configure_goes_where_the_set_up_function_registered() -> None:
    code = migrated_source(PROGRAM)
    assert "opencensus" not in code
    setup = code[code.index("def setup_open_census(port):") : code.index("def handled")]
    assert "    prometheus_reader = PrometheusMetricReader()\n" in setup
    assert '    prometheus_reader.start_http_server("127.0.0.1", port)\n' in setup
    assert "    configure(views=[REQUESTS_VIEW], metric_readers=[prometheus_reader])\n" in setup
    assert len(re.findall(r"^ *configure\(", code, re.MULTILINE)) == 1


def test_the_migrated_program_serves_once_set_up(tmp_path: Path) -> None:
    port = free_port()
    (tmp_path / "app.py").write_text(migrated_source(PROGRAM))
    samples = prometheus_samples(run_script(SCRAPE, str(tmp_path), str(port)), "route")
    assert samples[("requests_milliseconds_total", "/cart")] == 2
    assert samples[("requests_milliseconds_total", "/pay")] == 1


def test_a_set_up_function_that_also_records_keeps_the_module_level_set_up() -> None:
    code = migrate_source(
        textwrap.dedent(
            """
            from opencensus.ext.prometheus import stats_exporter as prometheus
            from opencensus.stats import aggregation, measure, stats, view
            from opencensus.tags import TagMap

            JOBS = measure.MeasureInt("jobs", "jobs run", "1")
            JOBS_VIEW = view.View("jobs", "jobs run", [], JOBS, aggregation.CountAggregation())


            def run_job():
                stats.stats.view_manager.register_view(JOBS_VIEW)
                exporter = prometheus.new_stats_exporter(prometheus.Options(namespace="jobs", port=9100))
                stats.stats.view_manager.register_exporter(exporter)
                mmap = stats.stats.stats_recorder.new_measurement_map()
                mmap.measure_int_put(JOBS, 1)
                mmap.record(TagMap())
            """
        )
    ).code
    body = code[code.index("def run_job():") :]
    assert "configure(" not in body, code
    assert "\nconfigure(metric_readers=[prometheus_reader])" in code
    assert "    JOBS.add(1)" in body
