# ruff: noqa: E501  (the program fixtures keep their real line lengths)
"""OpenCensus' Prometheus stats exporter, migrated to otelbridge's PrometheusMetricReader: the
migrated program serves its views on OpenCensus' port (a free loopback one here) when scraped."""

from __future__ import annotations

from pathlib import Path

from otelbridge.migration_tool.pipeline import migrate_source
from tests.migration_tool.projects import free_port, prometheus_samples, run_script

PROGRAM = """
from opencensus.ext.prometheus import stats_exporter as prometheus
from opencensus.stats import aggregation, measure, stats, view
from opencensus.tags import TagKey, TagMap, TagValue

ROUTE = TagKey("route")
LATENCY = measure.MeasureFloat("latency", "request latency", "ms")
LATENCY_VIEW = view.View("latency_distribution", "latency by route", [ROUTE], LATENCY, aggregation.DistributionAggregation([10.0, 100.0]))
REQUESTS_VIEW = view.View("requests", "requests by route", [ROUTE], LATENCY, aggregation.CountAggregation())
stats.stats.view_manager.register_view(LATENCY_VIEW)
stats.stats.view_manager.register_view(REQUESTS_VIEW)
exporter = prometheus.new_stats_exporter(prometheus.Options(namespace="shop", port=PORT, address="127.0.0.1"))
stats.stats.view_manager.register_exporter(exporter)


def handled(route, ms):
    mmap = stats.stats.stats_recorder.new_measurement_map()
    mmap.measure_float_put(LATENCY, ms)
    tags = TagMap()
    tags.insert(ROUTE, TagValue(route))
    mmap.record(tags)
"""

SCRAPE = """
import sys, urllib.request
sys.path.insert(0, sys.argv[1])
import app
app.handled("/cart", 5.0)
app.handled("/cart", 50.0)
app.handled("/pay", 500.0)
print(urllib.request.urlopen(f"http://127.0.0.1:{sys.argv[2]}/metrics", timeout=5).read().decode())
"""


def test_prometheus_exporter_becomes_a_started_reader_in_configure() -> None:
    code = migrate_source(PROGRAM.replace("PORT", "8000")).code
    assert "opencensus" not in code
    assert "prometheus_reader = PrometheusMetricReader()" in code
    assert 'prometheus_reader.start_http_server("127.0.0.1", 8000)' in code
    assert "metric_readers=[prometheus_reader]" in code
    assert "no 'shop_' prefix" in code
    assert migrate_source(code).code == code


def test_migrated_program_serves_its_views_on_the_port(tmp_path: Path) -> None:
    port = free_port()
    (tmp_path / "app.py").write_text(migrate_source(PROGRAM.replace("PORT", str(port))).code)
    scraped = run_script(SCRAPE, str(tmp_path), str(port))
    samples = prometheus_samples(scraped, "route", "le")
    assert samples[("requests_milliseconds_total", "/cart", None)] == 2
    assert samples[("requests_milliseconds_total", "/pay", None)] == 1
    assert samples[("latency_distribution_milliseconds_bucket", "/cart", "10.0")] == 1
    assert samples[("latency_distribution_milliseconds_bucket", "/cart", "100.0")] == 2
    assert samples[("latency_distribution_milliseconds_count", "/pay", None)] == 1
