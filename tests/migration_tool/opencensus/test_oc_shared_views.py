# ruff: noqa: E501  (the program fixtures keep their real line lengths)
"""Views made in one module and registered in another (a ``metrics`` module, and the start-up
code that registers its views with the exporter), and views never registered at all. The
defining module's views still choose its instruments and stay, as OpenTelemetry views, under
their names; the registering module gives them to ``configure(views=...)``. Both modules
convert together or neither does: an OpenTelemetry view must never reach OpenCensus'
``register_view()``."""

from __future__ import annotations

from pathlib import Path

from tests.migration_tool.projects import (
    free_port,
    migrate_project,
    migrated_source,
    prometheus_samples,
    run_script,
)

METRICS = """
from opencensus.stats import aggregation, measure, stats, view
from opencensus.tags import tag_key, tag_map, tag_value

KEY_ROUTE = tag_key.TagKey("route")

REQUESTS = measure.MeasureInt("app/requests", "Requests served", "1")
LATENCY = measure.MeasureFloat("app/latency", "Request latency", "ms")

REQUESTS_VIEW = view.View("app/requests", "Requests served", [KEY_ROUTE], REQUESTS,
                          aggregation.CountAggregation())
LATENCY_VIEW = view.View("app/latency", "Request latency", [KEY_ROUTE], LATENCY,
                         aggregation.DistributionAggregation([10.0, 50.0, 100.0]))

recorder = stats.stats.stats_recorder


def record_request(route, millis):
    mmap = recorder.new_measurement_map()
    mmap.measure_int_put(REQUESTS, 1)
    mmap.measure_float_put(LATENCY, millis)
    tags = tag_map.TagMap()
    tags.insert(KEY_ROUTE, tag_value.TagValue(route))
    mmap.record(tags)
"""

MAIN = """
from opencensus.ext.prometheus import stats_exporter as prometheus
from opencensus.stats import stats

from app import metrics
from app.metrics import LATENCY_VIEW


def set_up(port):
    view_manager = stats.stats.view_manager
    view_manager.register_view(metrics.REQUESTS_VIEW)
    view_manager.register_view(LATENCY_VIEW)
    view_manager.register_exporter(prometheus.new_stats_exporter(prometheus.Options(namespace="app", port=port, address="127.0.0.1")))
"""

SCRAPE = """
import sys, urllib.request
sys.path.insert(0, sys.argv[1])
port = int(sys.argv[2])
from app import main, metrics
main.set_up(port)
metrics.record_request("/cart", 5.0)
metrics.record_request("/cart", 60.0)
metrics.record_request("/pay", 500.0)
print(urllib.request.urlopen(f"http://127.0.0.1:{port}/metrics", timeout=5).read().decode())
"""


def _project(root: Path, main: str = MAIN) -> dict[str, str]:
    return migrate_project(
        root, {"app/__init__.py": "", "app/metrics.py": METRICS, "app/main.py": main}
    )


def test_the_defining_module_keeps_its_views_as_opentelemetry_views(tmp_path: Path) -> None:
    metrics = _project(tmp_path)["app/metrics.py"]
    assert "opencensus" not in metrics
    assert 'REQUESTS = metrics.get_meter(__name__).create_counter("app/requests"' in metrics
    assert "explicit_bucket_boundaries_advisory=[10.0, 50.0, 100.0]" in metrics
    assert 'REQUESTS_VIEW = View(instrument_name="app/requests", name="app/requests"' in metrics
    assert "LATENCY_VIEW = View(" in metrics
    assert "never registered" not in metrics  # the other module registers them
    assert 'REQUESTS.add(1, {"route": route})' in metrics
    assert 'LATENCY.record(millis, {"route": route})' in metrics


def test_the_registering_module_gives_them_to_configure(tmp_path: Path) -> None:
    main = _project(tmp_path)["app/main.py"]
    assert "opencensus" not in main
    assert (
        "    configure(views=[metrics.REQUESTS_VIEW, LATENCY_VIEW], metric_readers=[prometheus_reader])\n"
        in main
    )
    assert "from app.metrics import LATENCY_VIEW\n" in main


def test_the_migrated_project_serves_the_views(tmp_path: Path) -> None:
    _project(tmp_path)
    port = free_port()
    samples = prometheus_samples(run_script(SCRAPE, str(tmp_path), str(port)), "route", "le")
    assert samples[("app_requests_total", "/cart", None)] == 2  # a Count: one per request
    assert samples[("app_requests_total", "/pay", None)] == 1
    assert samples[("app_latency_milliseconds_bucket", "/cart", "10.0")] == 1
    assert samples[("app_latency_milliseconds_bucket", "/cart", "100.0")] == 2
    assert samples[("app_latency_milliseconds_bucket", "/pay", "100.0")] == 0


def test_both_modules_stay_when_the_registering_one_cannot_convert(tmp_path: Path) -> None:
    main = MAIN.replace(
        "view_manager.register_view(LATENCY_VIEW)",
        "view_manager.register_view([LATENCY_VIEW][0])",  # not a view this mapping can name
    )
    migrated = _project(tmp_path, main)
    assert "REQUESTS_VIEW = view.View(" in migrated["app/metrics.py"]
    assert "mmap.measure_int_put(REQUESTS, 1)" in migrated["app/metrics.py"]
    assert "view_manager.register_view(metrics.REQUESTS_VIEW)" in migrated["app/main.py"]
    assert "shares measures with app.main" in migrated["app/metrics.py"]


NEVER_REGISTERED = """
from opencensus.stats import aggregation, measure, stats, view
from opencensus.tags import tag_key, tag_map, tag_value

KEY_METHOD = tag_key.TagKey("method")
LINES = measure.MeasureInt("repl/lines_in", "The number of lines read in", "1")
LINES_VIEW = view.View("demo/lines_in", "Lines read", [KEY_METHOD], LINES, aggregation.CountAggregation())


def main():
    mmap = stats.stats.stats_recorder.new_measurement_map()
    mmap.measure_int_put(LINES, 1)
    tags = tag_map.TagMap()
    tags.insert(KEY_METHOD, tag_value.TagValue("repl"))
    mmap.record(tags)


main()
"""


def test_views_never_registered_still_choose_the_instruments(tmp_path: Path) -> None:
    code = migrated_source(NEVER_REGISTERED)
    assert "opencensus" not in code
    assert "# TODO(otelbridge): this OpenCensus view was never registered" in code
    assert 'LINES_VIEW = View(instrument_name="repl/lines_in", name="demo/lines_in"' in code
    assert 'LINES.add(1, {"method": "repl"})' in code
    (tmp_path / "program.py").write_text(code)
    run_script("import runpy, sys; runpy.run_path(sys.argv[1])", str(tmp_path / "program.py"))


def test_views_made_in_a_function_and_never_registered_stay(tmp_path: Path) -> None:
    code = migrated_source(
        NEVER_REGISTERED.replace(
            "LINES_VIEW = view.View(", "def make_view():\n    return view.View("
        )
    )
    assert "mmap.measure_int_put(LINES, 1)" in code
    assert "no view of a module-level measure is registered" in code
