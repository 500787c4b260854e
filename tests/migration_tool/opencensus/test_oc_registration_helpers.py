# ruff: noqa: E501  (the program fixtures keep their real line lengths)
"""The shape of OpenCensus' own stats quickstart: the views registered by a helper the set-up
gives the view manager (``register_all_views(view_manager)``), work done between making the
measurement map and its first put, and put values computed in the put (``len(line)``). The
helper loses the parameter with its registrations, so nothing of OpenCensus is left behind."""

from __future__ import annotations

from pathlib import Path

from tests.migration_tool.projects import (
    free_port,
    migrated_source,
    prometheus_samples,
    run_script,
)

PROGRAM = """
    import time

    from opencensus.ext.prometheus import stats_exporter as prometheus
    from opencensus.stats import aggregation as aggregation_module
    from opencensus.stats import measure as measure_module
    from opencensus.stats import stats as stats_module
    from opencensus.stats import view as view_module
    from opencensus.tags import tag_key as tag_key_module
    from opencensus.tags import tag_map as tag_map_module
    from opencensus.tags import tag_value as tag_value_module

    m_latency_ms = measure_module.MeasureFloat("repl/latency", "The latency in milliseconds per REPL loop", "ms")
    m_line_lengths = measure_module.MeasureInt("repl/line_lengths", "The distribution of line lengths", "By")
    stats_recorder = stats_module.stats.stats_recorder
    key_method = tag_key_module.TagKey("method")

    latency_view = view_module.View("demo_latency", "The distribution of the latencies", [key_method], m_latency_ms, aggregation_module.DistributionAggregation([0, 25, 50, 100]))
    line_count_view = view_module.View("demo_lines_in", "The number of lines from standard input", [key_method], m_line_lengths, aggregation_module.CountAggregation())
    line_length_view = view_module.View("demo_line_lengths", "Groups the lengths of keys in buckets", [key_method], m_line_lengths, aggregation_module.DistributionAggregation([0, 5, 10]))


    def register_all_views(view_manager):
        view_manager.register_view(latency_view)
        view_manager.register_view(line_count_view)
        view_manager.register_view(line_length_view)


    def set_up():
        stats = stats_module.stats
        view_manager = stats.view_manager
        exporter = prometheus.new_stats_exporter(prometheus.Options(namespace="oc_python", port=PORT, address="127.0.0.1"))
        view_manager.register_exporter(exporter)
        register_all_views(view_manager)


    def process(line):
        start = time.time()
        mmap = stats_recorder.new_measurement_map()
        end_ms = (time.time() - start) * 1000.0  # seconds to milliseconds
        mmap.measure_float_put(m_latency_ms, end_ms)
        mmap.measure_int_put(m_line_lengths, len(line))
        tmap = tag_map_module.TagMap()
        tmap.insert(key_method, tag_value_module.TagValue("repl"))
        mmap.record(tmap)
    """

SCRAPE = """
import sys, urllib.request
sys.path.insert(0, sys.argv[1])
import repl
repl.set_up()
for line in ("hi", "hello!", "a longer line"):
    repl.process(line)
print(urllib.request.urlopen(f"http://127.0.0.1:{sys.argv[2]}/metrics", timeout=5).read().decode())
"""

KEPT = "kept on OpenCensus (served by the otelbridge OpenCensus shim): this module's stats stay OpenCensus: "


def test_the_helper_loses_the_view_manager_with_its_registrations() -> None:
    code = migrated_source(PROGRAM.replace("PORT", "8000"))
    assert "opencensus" not in code and "view_manager" not in code
    assert "def register_all_views():\n    pass\n" in code
    assert "    register_all_views()\n" in code
    assert "configure(views=[latency_view, line_count_view, line_length_view], metric_readers=[prometheus_reader])" in code
    # the work between the map and its first put stays where it was, before the calls
    assert (
        "    end_ms = (time.time() - start) * 1000.0  # seconds to milliseconds\n"
        '    m_latency_ms.record(end_ms, {"method": "repl"})\n'
        '    m_line_lengths.record(len(line), {"method": "repl"})\n'
        '    m_line_lengths_count.add(1, {"method": "repl"})\n'
    ) in code


def test_the_migrated_program_serves_the_same_views(tmp_path: Path) -> None:
    port = free_port()
    (tmp_path / "repl.py").write_text(migrated_source(PROGRAM.replace("PORT", str(port))))
    samples = prometheus_samples(run_script(SCRAPE, str(tmp_path), str(port)), "method", "le")
    assert samples[("demo_lines_in_bytes_total", "repl", None)] == 3
    assert samples[("demo_line_lengths_bytes_bucket", "repl", "5.0")] == 1  # "hi"
    assert samples[("demo_line_lengths_bytes_bucket", "repl", "10.0")] == 2  # and "hello!"
    assert samples[("demo_line_lengths_bytes_sum", "repl", None)] == 2 + 6 + 13
    assert samples[("demo_latency_milliseconds_count", "repl", None)] == 3


def test_a_helper_that_uses_the_view_manager_otherwise_keeps_the_stats() -> None:
    code = migrated_source(
        PROGRAM.replace("PORT", "8000").replace(
            "        view_manager.register_view(line_length_view)\n",
            "        view_manager.register_view(line_length_view)\n"
            "        print(view_manager)\n",  # (get_view() is an aggregate read, commented out)
        )
    )
    assert "create_histogram" not in code
    assert KEPT + "'view_manager' of register_all_views() is used for more than registering views" in code


def test_a_helper_also_given_something_else_keeps_the_stats() -> None:
    code = migrated_source(
        PROGRAM.replace("PORT", "8000")
        + """

    class Recorder:
        def register_view(self, view):
            pass


    register_all_views(Recorder())
    """
    )
    assert "create_histogram" not in code
    assert "def register_all_views(view_manager):" in code


def test_work_between_two_puts_keeps_the_stats() -> None:
    """The instrument calls are made at the record: work between the puts would run first."""
    code = migrated_source(
        PROGRAM.replace("PORT", "8000").replace(
            "        mmap.measure_int_put(m_line_lengths, len(line))\n",
            "        line = line.strip()\n        mmap.measure_int_put(m_line_lengths, len(line))\n",
        )
    )
    assert "create_histogram" not in code
    assert KEPT + "'mmap' is recorded with other statements in between" in code


def test_a_computed_value_put_in_a_loop_before_other_work_keeps_the_stats() -> None:
    code = migrated_source(
        PROGRAM.replace("PORT", "8000").replace(
            """        mmap.measure_float_put(m_latency_ms, end_ms)
        mmap.measure_int_put(m_line_lengths, len(line))
        tmap = tag_map_module.TagMap()
        tmap.insert(key_method, tag_value_module.TagValue("repl"))
        mmap.record(tmap)
    """,
            """        tmap = tag_map_module.TagMap()
        tmap.insert(key_method, tag_value_module.TagValue("repl"))
        for part in line.split():
            mmap.measure_int_put(m_line_lengths, len(part))
            part = part.upper()
            mmap.measure_float_put(m_latency_ms, end_ms)
            mmap.record(tmap)
    """,
        )
    )
    assert "create_histogram" not in code
    assert KEPT + "a recorded value that is not a name or literal would be computed after" in code


def test_a_helper_reading_view_data_converts_with_the_read_commented_out() -> None:
    code = migrated_source(
        PROGRAM.replace("PORT", "8000").replace(
            "        view_manager.register_view(line_length_view)\n",
            "        view_manager.register_view(line_length_view)\n"
            '        print(view_manager.get_view("demo_latency"))\n',
        )
    )
    assert "create_histogram" in code
    assert '# print(view_manager.get_view("demo_latency"))' in code
