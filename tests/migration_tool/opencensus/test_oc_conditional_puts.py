"""Puts made in ``if`` branches before a measurement map's one ``record()``
(``mmap.measure_int_put(SIZE, size)``; ``if failed: mmap.measure_int_put(ERRORS, 1)``;
``mmap.record(tag_map)``): each put becomes its instrument call where it is, with the tag map's
attributes, while nothing between the puts and the record could make that differ from what
OpenCensus recorded (the values put, the tags at the record, a measure's last value)."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.migration_tool.projects import migrated_metrics, migrated_source

HEAD = """
    from opencensus.stats import aggregation, measure, stats, view
    from opencensus.tags import TagKey, TagMap, TagValue

    KEY = TagKey("frontend")
    SIZE = measure.MeasureInt("video_size", "size", "By")
    ERRORS = measure.MeasureInt("video_errors", "errors", "1")
    SIZE_VIEW = view.View(
        "video_size_view", "sizes", [KEY], SIZE, aggregation.DistributionAggregation([16.0, 256.0])
    )
    ERRORS_VIEW = view.View("video_errors_total", "errors", [KEY], ERRORS, aggregation.SumAggregation())
    stats.stats.view_manager.register_view(SIZE_VIEW)
    stats.stats.view_manager.register_view(ERRORS_VIEW)

    """  # noqa: E501  (the view as written)
PROGRAM = (
    HEAD
    + """
    def process(frontend, size, failed=False, status=200):
        tag_map = TagMap()
        tag_map.insert(KEY, TagValue(frontend))
        mmap = stats.stats.stats_recorder.new_measurement_map()
        mmap.measure_int_put(SIZE, size)
        if failed:
            mmap.measure_int_put(ERRORS, 1)
        elif status >= 500:
            mmap.measure_int_put(ERRORS, 2)
        mmap.record(tag_map)


    def main():
        process("web", 10)
        process("web", 300, failed=True)
        process("ios", 20, status=503)
    """
)
KEPT = "this module's stats stay OpenCensus: "


def test_puts_in_branches_become_instrument_calls_where_they_are(tmp_path: Path) -> None:
    code, legacy, migrated = migrated_metrics(tmp_path, PROGRAM)
    assert "opencensus" not in code and "mmap" not in code and "tag_map" not in code
    assert (
        "def process(frontend, size, failed=False, status=200):\n"
        '    SIZE.record(size, {"frontend": frontend})\n'
        "    if failed:\n"
        '        ERRORS.add(1, {"frontend": frontend})\n'
        "    elif status >= 500:\n"
        '        ERRORS.add(2, {"frontend": frontend})\n'
    ) in code
    assert legacy == (
        "video_errors_total sum {frontend='ios'} 2\n"
        "video_errors_total sum {frontend='web'} 1\n"
        "video_size_view histogram {frontend='ios'} (1, 20.0, [0, 1, 0])\n"
        "video_size_view histogram {frontend='web'} (2, 310.0, [1, 0, 1])"
    )
    assert migrated == legacy


@pytest.mark.parametrize(
    ("body", "reason"),
    [
        (  # the instrument call would be made before the insert, OpenCensus' record after it
            """
            mmap.measure_int_put(SIZE, size)
            if failed:
                mmap.measure_int_put(ERRORS, 1)
                tag_map.insert(KEY, TagValue("failed"))
            """,
            "'mmap' is put in an if branch with other statements or on its line",
        ),
        (
            """
            mmap.measure_int_put(SIZE, size)
            tag_map.insert(KEY, TagValue("late"))
            if failed:
                mmap.measure_int_put(ERRORS, 1)
            """,
            "a tag map of 'mmap' changes after its first put",
        ),
        (
            """
            mmap.measure_int_put(SIZE, size)
            if failed:
                mmap.measure_int_put(SIZE, 0)
            """,
            "a measure is put twice before one record(), which records its last value only",
        ),
        (  # the attributes would read the new frontend; OpenCensus' tag holds the old one
            """
            frontend = "other"
            mmap.measure_int_put(SIZE, size)
            if failed:
                mmap.measure_int_put(ERRORS, 1)
            """,
            "'frontend' changes between a put or tag insert of 'mmap' and its record()",
        ),
        (
            """
            for _ in range(2):
                if failed:
                    mmap.measure_int_put(ERRORS, 1)
            mmap.measure_int_put(SIZE, size)
            """,
            "'mmap' is recorded with other statements in between",
        ),
    ],
)
def test_puts_in_branches_that_would_record_otherwise_keep_the_stats(
    body: str, reason: str
) -> None:
    lines = "".join(f"        {line[12:]}\n" for line in body.strip("\n").split("\n"))
    code = migrated_source(
        HEAD
        + f"""
    def process(frontend, size, failed=False):
        tag_map = TagMap()
        tag_map.insert(KEY, TagValue(frontend))
        mmap = stats.stats.stats_recorder.new_measurement_map()
{lines}        mmap.record(tag_map)
    """
    )
    assert "create_counter" not in code
    assert KEPT + reason in code
