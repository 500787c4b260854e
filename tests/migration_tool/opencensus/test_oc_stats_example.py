# ruff: noqa: E501  (the program fixture keeps its real line lengths)
"""OpenCensus' own stats example (``examples/stats/helloworld/main.py`` of opencensus-python):
bucket bounds computed from a module constant (``16.0 * MiB``), the view named by a constant,
a tag value bound to a name, and the aggregates read back with ``view_manager.get_view()``.
Before, the module stayed on OpenCensus ("distribution bounds are not literal numbers"); with
literal bounds it converted but kept ``get_view()``, which then found no view (``vars(None)``:
``TypeError``). Now it converts whole, the reads of the aggregates commented out under a note,
and the migrated program serves the same histogram."""

from __future__ import annotations

import textwrap
from pathlib import Path

import libcst as cst

from otelbridge.migration_tool.opencensus.constants import constant
from tests.migration_tool.projects import (
    free_port,
    migrated_source,
    prometheus_samples,
    run_script,
)

PROGRAM = """
import os
from pprint import pprint

from opencensus.ext.prometheus import stats_exporter as prometheus
from opencensus.stats import aggregation as aggregation_module
from opencensus.stats import measure as measure_module
from opencensus.stats import stats as stats_module
from opencensus.stats import view as view_module
from opencensus.tags import tag_key as tag_key_module
from opencensus.tags import tag_map as tag_map_module
from opencensus.tags import tag_value as tag_value_module

PORT = int(os.environ.get("APP_PORT", "8000"))
MiB = 1 << 20
FRONTEND_KEY = tag_key_module.TagKey("myorg_keys_frontend")
VIDEO_SIZE_MEASURE = measure_module.MeasureInt(
    "myorg_measures_video_size", "size of processed videos", "By")
VIDEO_SIZE_VIEW_NAME = "myorg_views_video_size"
VIDEO_SIZE_DISTRIBUTION = aggregation_module.DistributionAggregation(
    [0.0, 16.0 * MiB, 256.0 * MiB])
VIDEO_SIZE_VIEW = view_module.View(
    VIDEO_SIZE_VIEW_NAME, "processed video size over time", [FRONTEND_KEY],
    VIDEO_SIZE_MEASURE, VIDEO_SIZE_DISTRIBUTION)


def main(frontend):
    stats = stats_module.stats
    view_manager = stats.view_manager
    stats_recorder = stats.stats_recorder

    exporter = prometheus.new_stats_exporter(prometheus.Options(namespace="opencensus", port=PORT, address="127.0.0.1"))
    view_manager.register_exporter(exporter)

    # Register view.
    view_manager.register_view(VIDEO_SIZE_VIEW)

    # Process video.
    # Record the processed video size.
    tag_value = tag_value_module.TagValue(frontend)
    tag_map = tag_map_module.TagMap()
    tag_map.insert(FRONTEND_KEY, tag_value)
    measure_map = stats_recorder.new_measurement_map()
    measure_map.measure_int_put(VIDEO_SIZE_MEASURE, 25 * MiB)
    measure_map.record(tag_map)

    # Get aggregated stats and print it to console.
    view_data = view_manager.get_view(VIDEO_SIZE_VIEW_NAME)
    pprint(vars(view_data))
    for k, v in view_data.tag_value_aggregation_data_map.items():
        pprint(k)
        pprint(vars(v))
"""

SCRAPE = """
import os, sys, urllib.request
sys.path.insert(0, sys.argv[1])
port = int(sys.argv[2])
os.environ["APP_PORT"] = str(port)
import app
app.main("web")
print(urllib.request.urlopen(f"http://127.0.0.1:{port}/metrics", timeout=5).read().decode())
"""


def test_the_example_converts_whole() -> None:
    code = migrated_source(PROGRAM)
    assert "import opencensus" not in code and "from opencensus" not in code
    assert "kept on OpenCensus" not in code
    assert "explicit_bucket_boundaries_advisory=[16777216.0, 268435456.0]" in code
    assert 'View(instrument_name="myorg_measures_video_size", name="myorg_views_video_size"' in code
    assert "    tag_value = frontend\n" in code
    assert '    VIDEO_SIZE_MEASURE.record(25 * MiB, {"myorg_keys_frontend": tag_value})\n' in code
    assert "    # view_data = view_manager.get_view(VIDEO_SIZE_VIEW_NAME)\n" in code
    assert "    #     pprint(vars(v))\n    pass\n" in code


def test_the_migrated_example_serves_the_histogram(tmp_path: Path) -> None:
    port = free_port()
    (tmp_path / "app.py").write_text(migrated_source(PROGRAM))
    samples = prometheus_samples(run_script(SCRAPE, str(tmp_path), str(port)), "le", "myorg_keys_frontend")
    buckets = {le: v for (name, le, key), v in samples.items() if name.endswith("_bucket") and key == "web"}
    assert buckets == {"16777216.0": 0.0, "268435456.0": 1.0, "+Inf": 1.0}, samples


def test_constants_are_computed_from_literals_and_names_bound_once() -> None:
    module = cst.parse_module(textwrap.dedent("""
        MiB = 1 << 20
        NAME = "video" + "_size"
        x = [16.0 * MiB, -2 ** 3, NAME, 2 ** 1000, f(), MiB / 0, "a" * 3, True]
    """))
    bound = {
        t.target.value: s.body[0].value
        for s in module.body
        for t in s.body[0].targets  # type: ignore[attr-defined]
    }
    values = bound["x"].elements  # type: ignore[attr-defined]
    lookup = lambda name: [bound[name.value]] if name.value in bound else []  # noqa: E731
    found = [constant(e.value, lookup) for e in values]
    assert found[:3] == [16777216.0, -8, "video_size"]
    assert found[3:] == [NotImplemented] * 5  # too large, a call, a division by 0, str * int, a bool
