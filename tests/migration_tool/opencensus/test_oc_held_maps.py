"""A measurement map (and tag map) made once at module level and recorded in functions
(``opencensus/stats.py``, held maps): each run of puts and its ``record()`` becomes instrument
calls, unless OpenCensus' re-recording of the map's earlier puts or another use would differ."""

from __future__ import annotations

from pathlib import Path

from tests.migration_tool.projects import migrate_project, migrated_source

HEAD = """
    from opencensus.stats import aggregation, measure, view
    from opencensus.stats import stats as stats_module
    from opencensus.tags import TagMap

    stats = stats_module.stats
    SENT = measure.MeasureInt("sent", "messages sent", "1")
    FAILED = measure.MeasureInt("failed", "messages failed", "1")
    SENT_VIEW = view.View("sent", "sent", [], SENT, aggregation.SumAggregation())
    FAILED_VIEW = view.View("failed", "failed", [], FAILED, aggregation.SumAggregation())
    stats.view_manager.register_view(SENT_VIEW)
    stats.view_manager.register_view(FAILED_VIEW)
    mmap = stats.stats_recorder.new_measurement_map()
    tmap = TagMap()
    """
KEPT = "kept on OpenCensus (served by the otelbridge OpenCensus shim): this module's stats stay"


def test_runs_in_functions_become_instrument_calls_with_the_module_tag_map() -> None:
    code = migrated_source(
        HEAD
        + """
    tmap.insert("queue", "mail")


    def sent(count):
        # counted once per batch
        mmap.measure_int_put(SENT, count)
        mmap.record(tmap)


    def sent_again(count):
        for _ in range(2):
            mmap.measure_int_put(SENT, count)
            mmap.record(tmap)
    """
    )
    assert "opencensus" not in code and "mmap" not in code and "tmap" not in code
    assert '    # counted once per batch\n    SENT.add(count, {"queue": "mail"})\n' in code
    assert '        SENT.add(count, {"queue": "mail"})\n' in code


def test_runs_putting_other_measures_keep_the_stats() -> None:
    """OpenCensus records SENT again with FAILED's record(): no instrument call does that."""
    code = migrated_source(
        HEAD
        + """

    def sent(count):
        mmap.measure_int_put(SENT, count)
        mmap.record(tmap)


    def failed(count):
        mmap.measure_int_put(FAILED, count)
        mmap.record(tmap)
    """
    )
    assert "create_counter" not in code
    assert KEPT + " OpenCensus: 'mmap' is put with other measures elsewhere" in code


def test_a_map_handed_to_a_helper_keeps_the_stats() -> None:
    code = migrated_source(
        HEAD
        + """

    def sent(count, record):
        mmap.measure_int_put(SENT, count)
        mmap.record(tmap)
        record(mmap)
    """
    )
    assert "create_counter" not in code
    assert KEPT + " OpenCensus: 'mmap' is used for more than puts" in code


def test_a_tag_map_filled_in_a_function_keeps_the_stats() -> None:
    code = migrated_source(
        HEAD
        + """

    def sent(count, queue):
        tmap.insert("queue", queue)
        mmap.measure_int_put(SENT, count)
        mmap.record(tmap)
    """
    )
    assert "create_counter" not in code


def test_puts_without_a_record_keep_the_stats() -> None:
    code = migrated_source(
        HEAD
        + """

    def sent(count):
        mmap.measure_int_put(SENT, count)


    def flush():
        mmap.record(tmap)
    """
    )
    assert "create_counter" not in code
    assert KEPT + " OpenCensus: 'mmap' is put without a record() right after the puts" in code


METRICS = """
    from opencensus.stats import aggregation, measure, view
    from opencensus.stats import stats as stats_module
    from opencensus.tags import TagMap

    TASKS = measure.MeasureInt("added tasks", "tasks added", "tasks")
    TASKS_VIEW = view.View("added tasks", "tasks", [], TASKS, aggregation.CountAggregation())
    stats_module.stats.view_manager.register_view(TASKS_VIEW)
    mmap = stats_module.stats.stats_recorder.new_measurement_map()
    tmap = TagMap()
    """


def test_maps_of_another_module_leave_its_imports_and_a_free_text_name_gets_a_view(
    tmp_path: Path,
) -> None:
    routes = """
        from .metrics import TASKS, mmap, tmap


        def add():
            mmap.measure_int_put(TASKS, 1)
            mmap.record(tmap)
        """
    files = migrate_project(tmp_path, _app(routes))
    assert "from .metrics import TASKS\n" in files["app/routes.py"]
    assert "    TASKS.add(1)\n" in files["app/routes.py"]
    metrics = files["app/metrics.py"]
    # OpenTelemetry refuses "added tasks" as an instrument name: the View keeps the stream's
    assert 'create_counter("added_tasks", unit="tasks"' in metrics
    assert 'View(instrument_name="added_tasks", name="added tasks"' in metrics


def test_a_module_recording_a_map_otherwise_keeps_the_maker_s_stats_too(tmp_path: Path) -> None:
    """The maker's map would be gone while the other module still imports and uses it."""
    routes = """
        from .metrics import TASKS, mmap, tmap


        def add(log):
            mmap.measure_int_put(TASKS, 1)
            mmap.record(tmap)
            log(mmap)
        """
    files = migrate_project(tmp_path, _app(routes))
    assert "new_measurement_map()" in files["app/metrics.py"]
    assert "create_counter" not in files["app/metrics.py"]
    assert "from .metrics import TASKS, mmap, tmap\n" in files["app/routes.py"]


def _app(routes: str) -> dict[str, str]:
    return {"app/__init__.py": "", "app/metrics.py": METRICS, "app/routes.py": routes}


UNTAGGED = """
    from opencensus.stats import aggregation, measure, view
    from opencensus.stats import stats as stats_module

    PUTS = measure.MeasureInt("puts", "objects stored", "1")
    PUTS_VIEW = view.View("puts", "objects stored", [], PUTS, aggregation.CountAggregation())
    stats_module.stats.view_manager.register_view(PUTS_VIEW)


    def stored():
        mmap = stats_module.stats.stats_recorder.new_measurement_map()
        mmap.measure_int_put(PUTS, 1)
        mmap.record()
    """


def test_record_without_a_tag_map_records_no_attributes_when_nothing_sets_context_tags(
    tmp_path: Path,
) -> None:
    files = migrate_project(tmp_path, {"store.py": UNTAGGED})
    assert "    PUTS.add(1)\n" in files["store.py"] and "opencensus" not in files["store.py"]


def test_record_without_a_tag_map_stays_where_the_project_sets_context_tags(
    tmp_path: Path,
) -> None:
    tagging = """
        from opencensus.tags import TagContext, TagMap


        def tag_request(route):
            tags = TagMap()
            tags.insert("route", route)
            TagContext.set(tags)
        """
    files = migrate_project(tmp_path, {"store.py": UNTAGGED, "tagging.py": tagging})
    assert "record() with context tags (TagContext)" in files["store.py"]
