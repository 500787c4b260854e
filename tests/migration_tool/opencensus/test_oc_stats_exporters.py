"""Azure's ``new_metrics_exporter()`` exports OpenCensus' stats by itself, registered or not
(``opencensus/stats.py``): once the stats are instruments it must become a metric reader, or the
stats stay OpenCensus, since it would export nothing."""

from __future__ import annotations

import textwrap

from tests.migration_tool.projects import migrated_source

STATS = """
    from opencensus.ext.azure import metrics_exporter
    from opencensus.stats import aggregation, measure, view
    from opencensus.stats import stats as stats_module
    from opencensus.tags import TagMap

    CARROTS = measure.MeasureInt("carrots", "carrots eaten", "carrots")
    CARROTS_VIEW = view.View("carrots", "carrots eaten", [], CARROTS, aggregation.SumAggregation())
    stats_module.stats.view_manager.register_view(CARROTS_VIEW)


    def eat(count):
        mmap = stats_module.stats.stats_recorder.new_measurement_map()
        tmap = TagMap()
        mmap.measure_int_put(CARROTS, count)
        mmap.record(tmap)
    """
EXPORTER = 'metrics_exporter.new_metrics_exporter(connection_string="InstrumentationKey=0")'
READER = (
    "metric_readers=[PeriodicExportingMetricReader(AzureMonitorMetricExporter("
    'connection_string="InstrumentationKey=0"), export_interval_millis=15000)]'
)


def test_an_exporter_never_registered_becomes_the_reader() -> None:
    code = _migrated(f"\nexporter = {EXPORTER}\n")
    assert READER in code and "new_metrics_exporter" not in code


def test_an_exporter_made_by_a_bare_call_becomes_the_reader() -> None:
    code = _migrated(f"\n{EXPORTER}\n")
    assert READER in code and "new_metrics_exporter" not in code


def test_an_exporter_used_further_keeps_the_stats() -> None:
    code = _migrated(f"\nexporter = {EXPORTER}\nexporter.add_telemetry_processor(print)\n")
    assert "create_counter" not in code and "new_metrics_exporter(" in code


def test_an_exporter_whose_arguments_do_not_map_keeps_the_stats() -> None:
    code = _migrated(
        "\nmetrics_exporter.new_metrics_exporter(connection_string=KEY, proxies=PROXIES)\n"
    )
    assert "create_counter" not in code
    assert "a metrics exporter whose arguments do not map would export nothing" in code


def test_a_registered_exporter_that_does_not_map_keeps_the_stats() -> None:
    """Google Cloud's metrics quickstart registers Stackdriver's stats exporter, which has no
    automatic mapping: the instruments would record into no reader (the exporter, kept on
    OpenCensus, gets nothing), so the stats stay whole. Before, they converted silently."""
    code = _migrated(
        "\nfrom opencensus.ext.stackdriver import stats_exporter\n"
        "exporter = stats_exporter.new_stats_exporter()\n"
        "stats_module.stats.view_manager.register_exporter(exporter)\n"
    )
    assert "create_counter" not in code and "mmap.measure_int_put(CARROTS, count)" in code
    assert "a metrics exporter the migration does not map is registered" in code


def _migrated(tail: str) -> str:
    return migrated_source(textwrap.dedent(STATS) + tail)
