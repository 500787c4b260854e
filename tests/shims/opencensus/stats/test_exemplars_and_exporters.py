"""Distribution exemplars (item 3) and OpenCensus exporters neutralised (item 6)."""

from __future__ import annotations

import logging

from opencensus.metrics import transport
from opencensus.metrics.export.gauge import LongGauge, Registry
from opencensus.metrics.label_key import LabelKey
from opencensus.metrics.label_value import LabelValue
from opencensus.stats import aggregation, measure, stats, view
from opencensus.tags import TagKey, TagMap, TagValue

from otelbridge.sdk.trace import TracerProvider

from .conftest import metrics_by_name

KEY = TagKey("method")


def distribution(unique):
    m = measure.MeasureFloat(unique("latency"), "", "ms")
    v = view.View(unique("dist"), "", [KEY], m, aggregation.DistributionAggregation([10, 100]))
    stats.stats.view_manager.register_view(v)
    return m, v.name


def record(m, value, **attachments):
    tags = TagMap()
    tags.insert(KEY, TagValue("GET"))
    mmap = stats.stats.stats_recorder.new_measurement_map()
    mmap.measure_float_put(m, value)
    for key, text in attachments.items():
        mmap.measure_put_attachment(key, text)
    mmap.record(tags)


def test_attachments_become_exemplars_one_per_bucket_last_wins(reader, unique) -> None:
    m, name = distribution(unique)
    record(m, 5, user="ann")
    record(m, 7, user="bob")
    record(m, 50)  # no attachment, no span: no exemplar
    (point,) = metrics_by_name(reader)[name].data.data_points
    (exemplar,) = point.exemplars
    assert (exemplar.value, exemplar.filtered_attributes) == (7, {"user": "bob"})
    assert exemplar.trace_id is None and exemplar.span_id is None
    assert exemplar.time_unix_nano > 0


def test_values_recorded_inside_a_sampled_span_carry_its_context(reader, unique) -> None:
    m, name = distribution(unique)
    tracer = TracerProvider().get_tracer("test")
    with tracer.start_as_current_span("request") as span:
        record(m, 50, user="ann")
    context = span.get_span_context()
    (point,) = metrics_by_name(reader)[name].data.data_points
    (exemplar,) = point.exemplars
    assert (exemplar.trace_id, exemplar.span_id) == (context.trace_id, context.span_id)
    assert exemplar.filtered_attributes == {"user": "ann"}
    # What the application reads back keeps the span in OpenCensus' attachment.
    data = stats.stats.view_manager.get_view(name).tag_value_aggregation_data_map[("GET",)]
    assert data.exemplars[1].attachments["SpanContext"] == (
        f"{context.trace_id:032x}-{context.span_id:016x}"
    )


class LegacyStatsExporter:
    def __init__(self) -> None:
        self.exported = []

    def on_register_view(self, view) -> None:
        self.exported.append(("view", view.name))

    def export(self, view_datas) -> None:
        self.exported.append(("export", len(view_datas)))

    def export_metrics(self, metrics) -> None:
        self.exported.append(("metrics", list(metrics)))


def test_register_exporter_is_neutralised_and_named_once(reader, unique, caplog) -> None:
    exporter = LegacyStatsExporter()
    with caplog.at_level(logging.WARNING):
        stats.stats.view_manager.register_exporter(exporter)
        stats.stats.view_manager.register_exporter(LegacyStatsExporter())
    m, name = distribution(unique)
    record(m, 1)
    stats.stats.view_manager.unregister_exporter(exporter)
    assert exporter.exported == []
    named = [r for r in caplog.records if "LegacyStatsExporter" in r.getMessage()]
    assert len(named) == 1 and "neutralised" in named[0].getMessage()
    assert metrics_by_name(reader)[name].data.data_points[0].count == 1


class MetricsExporter(LegacyStatsExporter):
    """Another exporter class (each class is named once per process)."""


def test_exporter_thread_producers_leave_through_our_readers(reader, unique, caplog) -> None:
    registry = Registry()
    gauge = LongGauge(unique("queue"), "queue length", "1", [LabelKey("queue", "")])
    registry.add_gauge(gauge)
    gauge.get_or_create_time_series([LabelValue("jobs")]).set(12)
    exporter = MetricsExporter()
    with caplog.at_level(logging.WARNING):
        task = transport.get_exporter_thread([stats.stats, registry], exporter, interval=0.01)
    assert not task.is_alive()
    task.close()  # works on the never-started task, exports nothing
    assert exporter.exported == []
    assert "transport.get_exporter_thread" in caplog.text
    (point,) = metrics_by_name(reader)[gauge.descriptor.name].data.data_points
    assert (point.attributes, point.value) == ({"queue": "jobs"}, 12)
