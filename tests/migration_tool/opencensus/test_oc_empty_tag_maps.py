"""``mmap.record(TagMap())``: a tag map made empty in the call records no tags, so the instrument
calls take no attributes (it is no context tags: ``record()`` reads those only without one)."""

from __future__ import annotations

from pathlib import Path

from tests.migration_tool.projects import migrated_metrics

PROGRAM = """
    from opencensus.stats import aggregation, measure, stats, view
    from opencensus.tags import tag_map as tag_map_module

    LATENCY = measure.MeasureFloat("task_latency", "latency", "ms")
    LATENCY_VIEW = view.View(
        "task_latency_distribution", "d", ["task"], LATENCY,
        aggregation.DistributionAggregation([100.0, 200.0]),
    )
    stats.stats.view_manager.register_view(LATENCY_VIEW)


    def task(ms):
        mmap = stats.stats.stats_recorder.new_measurement_map()
        mmap.measure_float_put(LATENCY, ms)
        mmap.record(tag_map_module.TagMap())


    def main():
        task(50.0)
        task(150.0)
    """


def test_a_tag_map_made_empty_in_record_gives_no_attributes(tmp_path: Path) -> None:
    code, legacy, migrated = migrated_metrics(tmp_path, PROGRAM)
    assert "opencensus" not in code and "mmap" not in code
    assert "def task(ms):\n    LATENCY.record(ms)\n" in code
    assert legacy == "task_latency_distribution histogram {} (2, 200.0, [1, 1, 0])"
    assert migrated == legacy
