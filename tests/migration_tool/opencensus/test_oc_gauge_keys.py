"""A gauge's label key held in a module-level name (``QUEUE = LabelKey("queue", ...)``, shared by
gauges): it goes with the gauges, which convert (the equivalence fixture ``gauges`` runs such a
program). Used anywhere else, the name keeps the module's gauges on OpenCensus, with the reason."""

from __future__ import annotations

from tests.migration_tool.projects import migrated_source


def test_a_held_label_key_converts_with_its_gauges() -> None:
    code = migrated_source(
        """
        from opencensus.metrics.export.gauge import LongGauge
        from opencensus.metrics.label_key import LabelKey
        from opencensus.metrics.label_value import LabelValue

        QUEUE = LabelKey("queue", "the queue")
        pending = LongGauge("pending", "Jobs waiting", "1", [QUEUE])


        def wait(name, count):
            pending.get_or_create_time_series([LabelValue(name)]).set(count)
        """
    )
    assert "opencensus" not in code and "QUEUE" not in code
    assert 'pending.set(count, {"queue": name})' in code


def test_a_label_key_used_elsewhere_keeps_the_gauges() -> None:
    code = migrated_source(
        """
        from opencensus.metrics.export.gauge import LongGauge
        from opencensus.metrics.label_key import LabelKey

        QUEUE = LabelKey("queue", "the queue")
        pending = LongGauge("pending", "Jobs waiting", "1", [QUEUE])
        print(QUEUE.key)
        """
    )
    assert "pending = LongGauge(" in code
    assert "this module's gauges stay OpenCensus: 'QUEUE' is used in a way the migration" in code
