"""A view's aggregation bound to a name first (``DIST = aggregation.DistributionAggregation(...)``,
``view.View(..., DIST)``): the view is read through the name, whose statement goes with the
stats, unless something else uses it."""

from __future__ import annotations

from pathlib import Path

from tests.migration_tool.projects import migrated_metrics, migrated_source

PROGRAM = """
    from opencensus.stats import aggregation, measure, stats, view
    from opencensus.tags import TagKey, TagMap, TagValue

    KEY = TagKey("frontend")
    SIZE = measure.MeasureInt("video_size", "size", "By")
    # sizes in bytes
    DIST = aggregation.DistributionAggregation([16.0, 256.0])
    SIZE_VIEW = view.View("video_size_view", "sizes", [KEY], SIZE, DIST)
    stats.stats.view_manager.register_view(SIZE_VIEW)


    def process(frontend, size):
        tag_map = TagMap()
        tag_map.insert(KEY, TagValue(frontend))
        mmap = stats.stats.stats_recorder.new_measurement_map()
        mmap.measure_int_put(SIZE, size)
        mmap.record(tag_map)


    def main():
        process("web", 10)
        process("web", 300)
        process("ios", 20)
    """


def test_an_aggregation_bound_to_a_name_is_read_through_it(tmp_path: Path) -> None:
    code, legacy, migrated = migrated_metrics(tmp_path, PROGRAM)
    assert "opencensus" not in code and "DIST" not in code
    assert (
        "# sizes in bytes\n"
        'SIZE_VIEW = View(instrument_name="video_size", name="video_size_view", '
        'description="sizes", attribute_keys={"frontend"}, '
        "aggregation=ExplicitBucketHistogramAggregation([16.0, 256.0]))\n"
    ) in code
    assert legacy == (
        "video_size_view histogram {frontend='ios'} (1, 20.0, [0, 1, 0])\n"
        "video_size_view histogram {frontend='web'} (2, 310.0, [1, 0, 1])"
    )
    assert migrated == legacy


def test_an_aggregation_used_elsewhere_keeps_the_stats() -> None:
    printed = PROGRAM.replace("    def main():", "    def main():\n        print(DIST)")
    code = migrated_source(printed)
    assert "create_histogram" not in code
    assert "this module's stats stay OpenCensus: aggregation 'DIST' is used elsewhere" in code
