"""A view made in its registration (``register_view(view.View(...))``, the way the OpenCensus
samples write it): it goes into ``configure(views=[...])`` as the view's ``View``, so the migrated
program's metric streams stay OpenCensus' (names, attributes, buckets, values)."""

from __future__ import annotations

from pathlib import Path

from tests.migration_tool.projects import migrated_metrics

PROGRAM = """
    from opencensus.stats import aggregation, measure, stats, view
    from opencensus.tags import TagKey, TagMap, TagValue

    KEY = TagKey("frontend")
    SIZE = measure.MeasureInt("video_size", "size", "By")
    stats.stats.view_manager.register_view(view.View("video_size_view", "sizes", [KEY], SIZE, aggregation.DistributionAggregation([16.0, 256.0])))


    def register():
        for made in [view.View("video_size_total", "total", [KEY], SIZE, aggregation.SumAggregation())]:
            stats.stats.view_manager.register_view(made)


    def process(frontend, size):
        tag_map = TagMap()
        tag_map.insert(KEY, TagValue(frontend))
        mmap = stats.stats.stats_recorder.new_measurement_map()
        mmap.measure_int_put(SIZE, size)
        mmap.record(tag_map)


    def main():
        register()
        process("web", 10)
        process("web", 300)
        process("ios", 20)
    """  # noqa: E501  (one-line registrations, as written)


def test_views_made_in_register_view_go_into_configure(tmp_path: Path) -> None:
    code, legacy, migrated = migrated_metrics(tmp_path, PROGRAM)
    assert "opencensus" not in code and "register_view" not in code
    assert (
        'configure(views=[View(instrument_name="video_size", name="video_size_view", '
        'description="sizes", attribute_keys={"frontend"}, '
        "aggregation=ExplicitBucketHistogramAggregation([16.0, 256.0])), "
        'View(instrument_name="video_size.counter", name="video_size_total", '
        'description="total", attribute_keys={"frontend"})])\n'
    ) in code
    assert '    SIZE.record(size, {"frontend": frontend})\n' in code
    assert legacy == (
        "video_size_total sum {frontend='ios'} 20\n"
        "video_size_total sum {frontend='web'} 310\n"
        "video_size_view histogram {frontend='ios'} (1, 20.0, [0, 1, 0])\n"
        "video_size_view histogram {frontend='web'} (2, 310.0, [1, 0, 1])"
    )
    assert migrated == legacy
