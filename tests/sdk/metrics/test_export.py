"""Readers, exporters, producers, provider lifecycle, and data-model parity with the peer."""

from __future__ import annotations

import dataclasses
import io
import json
import math
import os
import subprocess
import sys
import textwrap
import threading
import time
from typing import Any, List, Sequence

import opentelemetry.sdk.metrics.export as peer_export
import pytest

from otelbridge.sdk.metrics import Counter, MeterProvider, MetricsTimeoutError
from otelbridge.sdk.metrics import export as our_export
from otelbridge.sdk.metrics.export import AggregationTemporality as T
from otelbridge.sdk.metrics.export import (
    ConsoleMetricExporter,
    InMemoryMetricReader,
    Metric,
    MetricExporter,
    MetricExportResult,
    MetricProducer,
    MetricsData,
    NumberDataPoint,
    PeriodicExportingMetricReader,
    ScopeMetrics,
    Sum,
)
from otelbridge.sdk.util.instrumentation import InstrumentationScope

MODEL = [
    "NumberDataPoint",
    "HistogramDataPoint",
    "Buckets",
    "ExponentialHistogramDataPoint",
    "Sum",
    "Gauge",
    "Histogram",
    "ExponentialHistogram",
    "Metric",
    "ScopeMetrics",
    "ResourceMetrics",
    "MetricsData",
]


@pytest.mark.parametrize("name", MODEL)
def test_data_model_fields_match_opentelemetry_sdk(name: str) -> None:
    ours = [f.name for f in dataclasses.fields(getattr(our_export, name))]
    peers = [f.name for f in dataclasses.fields(getattr(peer_export, name))]
    assert ours == peers


POINT_FIELDS = {
    "NumberDataPoint": ({"k": "v"}, 1, 2, 3),
    "HistogramDataPoint": ({"k": "v"}, 1, 2, 3, 6.0, [1, 2], [5.0], 1.0, 4.0),
}


@pytest.mark.parametrize("name", sorted(POINT_FIELDS))
def test_data_points_construct_as_the_peers_dataclasses(name: str) -> None:
    """The sum and histogram points have a hand-written ``__init__`` (collection speed); it must
    behave as the dataclass's: positional and keyword fields, a fresh default exemplar list,
    equality, ``replace``, immutability."""
    values = POINT_FIELDS[name]
    ours_cls, peers_cls = getattr(our_export, name), getattr(peer_export, name)
    ours, peers = ours_cls(*values), peers_cls(*values)
    assert dataclasses.asdict(ours) == dataclasses.asdict(peers)
    assert ours.exemplars == [] and ours.exemplars is not ours_cls(*values).exemplars
    names = [f.name for f in dataclasses.fields(ours_cls)]
    assert ours_cls(**dict(zip(names, values)), exemplars=[]) == ours
    changed = dataclasses.replace(ours, time_unix_nano=9)
    assert changed.time_unix_nano == 9 and changed.attributes == ours.attributes
    with pytest.raises(dataclasses.FrozenInstanceError):
        ours.time_unix_nano = 5
    assert repr(ours).startswith(f"{name}(attributes={{'k': 'v'}}, start_time_unix_nano=1")


def test_temporality_values_match_the_peer() -> None:
    for member in peer_export.AggregationTemporality:
        assert T[member.name] == member.value


class RecordingExporter(MetricExporter):
    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.exported: List[MetricsData] = []
        self.exported_event = threading.Event()
        self.shut_down = False

    def export(self, metrics_data, timeout_millis=10_000, **kwargs) -> MetricExportResult:
        self.exported.append(metrics_data)
        self.exported_event.set()
        return MetricExportResult.SUCCESS

    def force_flush(self, timeout_millis: float = 10_000) -> bool:
        return True

    def shutdown(self, timeout_millis: float = 30_000, **kwargs: Any) -> None:
        self.shut_down = True


def values(metrics_data: MetricsData) -> List[Any]:
    return [
        p.value
        for rm in metrics_data.resource_metrics
        for sm in rm.scope_metrics
        for m in sm.metrics
        for p in m.data.data_points
    ]


def test_periodic_reader_exports_on_its_timer_and_at_shutdown() -> None:
    exporter = RecordingExporter(preferred_temporality={Counter: T.DELTA})
    reader = PeriodicExportingMetricReader(exporter, export_interval_millis=20)
    provider = MeterProvider(metric_readers=[reader], shutdown_on_exit=False)
    counter = provider.get_meter("m").create_counter("c")
    counter.add(3)
    assert exporter.exported_event.wait(5)
    counter.add(4)
    provider.shutdown()
    assert exporter.shut_down
    # Delta (the exporter's preference): every addition is exported exactly once.
    assert sum(sum(values(d)) for d in exporter.exported) == 7


def test_periodic_interval_from_env_and_infinite_interval(monkeypatch) -> None:
    monkeypatch.setenv("OTEL_METRIC_EXPORT_INTERVAL", "1234")
    monkeypatch.setenv("OTEL_METRIC_EXPORT_TIMEOUT", "oops")
    reader = PeriodicExportingMetricReader(RecordingExporter())
    assert (reader._export_interval_millis, reader._export_timeout_millis) == (1234, 30_000)
    reader.shutdown()
    idle = PeriodicExportingMetricReader(RecordingExporter(), export_interval_millis=math.inf)
    provider = MeterProvider(metric_readers=[idle], shutdown_on_exit=False)
    provider.get_meter("m").create_counter("c").add(1)
    assert idle._exporter.exported == []
    assert provider.force_flush()
    assert values(idle._exporter.exported[0]) == [1]
    provider.shutdown()


def test_console_exporter_writes_json() -> None:
    out = io.StringIO()
    reader = PeriodicExportingMetricReader(
        ConsoleMetricExporter(out=out), export_interval_millis=math.inf
    )
    provider = MeterProvider(metric_readers=[reader], shutdown_on_exit=False)
    provider.get_meter("m").create_counter("clicks").add(2, {"button": "ok"})
    provider.shutdown()
    decoded = json.loads(out.getvalue())
    metric = decoded["resource_metrics"][0]["scope_metrics"][0]["metrics"][0]
    assert metric["name"] == "clicks"
    assert metric["data"]["data_points"][0]["value"] == 2


class StaticProducer(MetricProducer):
    def produce(self, timeout_millis: float = 10_000) -> Sequence[ScopeMetrics]:
        point = NumberDataPoint({"view": "legacy"}, 1, 2, 42)
        metric = Metric("opencensus.requests", "", "1", Sum([point], T.CUMULATIVE, True))
        return [ScopeMetrics(InstrumentationScope("opencensus"), [metric], "")]


class BrokenProducer(MetricProducer):
    def produce(self, timeout_millis: float = 10_000) -> Sequence[ScopeMetrics]:
        raise RuntimeError("bridge down")


def test_producers_are_merged_into_each_collection(caplog) -> None:
    reader = InMemoryMetricReader(metric_producers=[BrokenProducer()])
    reader.register_producer(StaticProducer())
    provider = MeterProvider(metric_readers=[reader], shutdown_on_exit=False)
    provider.get_meter("native").create_counter("c").add(1)
    data = reader.get_metrics_data()
    assert data is not None
    scopes = [sm.scope.name for sm in data.resource_metrics[0].scope_metrics]
    assert scopes == ["native", "opencensus"]
    assert values(data) == [1, 42]
    assert data.resource_metrics[0].resource is provider.resource
    assert "bridge down" in caplog.text


def test_two_readers_have_independent_temporality() -> None:
    delta = InMemoryMetricReader(preferred_temporality={Counter: T.DELTA})
    cumulative = InMemoryMetricReader()
    provider = MeterProvider(metric_readers=[delta, cumulative], shutdown_on_exit=False)
    counter = provider.get_meter("m").create_counter("c")
    counter.add(1)
    assert values(delta.get_metrics_data()) == [1]
    counter.add(1)
    assert values(delta.get_metrics_data()) == [1]
    assert values(cumulative.get_metrics_data()) == [2]


def test_reader_registers_once_and_collect_after_shutdown_warns(caplog) -> None:
    reader = InMemoryMetricReader()
    provider = MeterProvider(metric_readers=[reader], shutdown_on_exit=False)
    with pytest.raises(RuntimeError):
        MeterProvider(metric_readers=[reader], shutdown_on_exit=False)
    provider.shutdown()
    assert reader.get_metrics_data() is None
    provider.shutdown()
    assert "already shut down" in caplog.text
    assert "shut down" in caplog.text


def test_disabled_sdk_hands_out_no_op_meters(monkeypatch) -> None:
    from opentelemetry.metrics import NoOpMeter

    monkeypatch.setenv("OTEL_SDK_DISABLED", "true")
    provider = MeterProvider(shutdown_on_exit=False)
    assert isinstance(provider.get_meter("m"), NoOpMeter)


@pytest.mark.skipif(not hasattr(os, "fork"), reason="needs os.fork")
def test_periodic_reader_keeps_exporting_in_a_forked_child() -> None:
    code = textwrap.dedent(
        """
        import io, os, sys, time
        from otelbridge.sdk.metrics import MeterProvider
        from otelbridge.sdk.metrics.export import (
            ConsoleMetricExporter, PeriodicExportingMetricReader,
        )
        read_end, write_end = os.pipe()
        out = os.fdopen(write_end, "w")
        reader = PeriodicExportingMetricReader(
            ConsoleMetricExporter(out=out, formatter=lambda d: "exported\\n"),
            export_interval_millis=50,
        )
        provider = MeterProvider(metric_readers=[reader], shutdown_on_exit=False)
        provider.get_meter("m").create_counter("c").add(1)
        pid = os.fork()
        if pid == 0:
            os.close(read_end)
            time.sleep(0.5)  # only the child's own timer thread can export meanwhile
            os._exit(0)
        reader.shutdown()  # the parent stops its timer; the child keeps the write end
        out.close()
        os.waitpid(pid, 0)
        with os.fdopen(read_end) as lines:
            print(sum(1 for _ in lines))
        """
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, timeout=60, check=False
    )
    assert result.returncode == 0, result.stderr
    # The parent's shutdown exports once; more lines can only come from the child's timer.
    assert int(result.stdout) >= 3, result.stdout


class SlowExporter(RecordingExporter):
    def export(self, metrics_data, timeout_millis=10_000, **kwargs) -> MetricExportResult:
        time.sleep(0.05)
        return super().export(metrics_data, timeout_millis, **kwargs)


def test_force_flush_shares_one_deadline_across_readers() -> None:
    slow = [
        PeriodicExportingMetricReader(SlowExporter(), export_interval_millis=math.inf)
        for _ in range(3)
    ]
    provider = MeterProvider(metric_readers=slow, shutdown_on_exit=False)
    provider.get_meter("m").create_counter("c").add(1)
    with pytest.raises(MetricsTimeoutError):
        provider.force_flush(timeout_millis=60)
    assert provider.force_flush(timeout_millis=10_000)
    provider.shutdown()
