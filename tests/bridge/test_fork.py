"""Forking a bridged process (issue 16, item 3): children forked idle, mid-export, while another
thread records through the legacy APIs, and while another thread holds every shim lock, record
OpenTracing and OpenCensus spans and OpenCensus stats, deliver all of them and exit. A real OTLP
receiver on loopback; the forks happen in a subprocess, whose children are killed if they hang.
"""

from __future__ import annotations

import json
import subprocess
import sys
import textwrap
import time
from collections import Counter
from pathlib import Path
from typing import Any, Dict, List

from otelbridge.devtools.receiver import OTLPReceiver

ROOT = Path(__file__).resolve().parents[2]

FORK_SCRIPT = r"""
import json, os, signal, sys, threading, time

import opentracing
from opencensus.stats import aggregation, measure, stats, view
from opencensus.tags import TagKey, TagMap, TagValue
from opencensus.trace.samplers import AlwaysOnSampler
from opencensus.trace.tracer import Tracer as OpenCensusTracer

from otelbridge.bridge import install
from otelbridge.sdk.export.otlp.proto.grpc.metric_exporter import OTLPMetricExporter
from otelbridge.sdk.export.otlp.proto.grpc.trace_exporter import OTLPSpanExporter
from otelbridge.sdk.metrics import MeterProvider
from otelbridge.sdk.metrics.export import PeriodicExportingMetricReader
from otelbridge.sdk.trace import TracerProvider
from otelbridge.sdk.trace.export import BatchSpanProcessor
from otelbridge.shims.opencensus.stats import PRODUCER
from otelbridge.shims.opencensus.stats import _patch as stats_patch
from otelbridge.shims.opencensus.stats._store import STORE
from otelbridge.shims.opencensus.trace import exporters as trace_exporters
from otelbridge.shims.opentracing import span as span_shim

endpoint = sys.argv[1]
span_exporter = OTLPSpanExporter(endpoint=endpoint)
tracer_provider = TracerProvider(shutdown_on_exit=False)
tracer_provider.add_span_processor(BatchSpanProcessor(span_exporter, schedule_delay_millis=50))
reader = PeriodicExportingMetricReader(
    OTLPMetricExporter(endpoint=endpoint), export_interval_millis=100
)
meter_provider = MeterProvider(metric_readers=[reader], shutdown_on_exit=False)
install(tracer_provider=tracer_provider, meter_provider=meter_provider)

WHO = TagKey("who")
REQUESTS = measure.MeasureInt("fork_requests", "requests", "1")
stats.stats.view_manager.register_view(
    view.View("fork_requests", "requests", [WHO], REQUESTS, aggregation.CountAggregation())
)


def work(who, index):
    # One of each: an OpenTracing span with baggage, an OpenCensus span, an OpenCensus stat.
    with opentracing.global_tracer().start_active_span(f"ot-{who}") as scope:
        scope.span.set_baggage_item("index", str(index))
        scope.span.set_tag("index", index)
    with OpenCensusTracer(sampler=AlwaysOnSampler()).span(f"oc-{who}") as span:
        span.add_attribute("index", index)
    tags = TagMap()
    tags.insert(WHO, TagValue(who))
    measurements = stats.stats.stats_recorder.new_measurement_map()
    measurements.measure_int_put(REQUESTS, 1)
    measurements.record(tags)


stop_busy = threading.Event()


def busy():  # another parent thread inside the shims all the time
    index = 0
    while not stop_busy.is_set():
        work("busy", index)
        index += 1
        time.sleep(0.002)  # busy, within what the slow receiver takes in


def shim_locks():
    series = [STORE.by_name["fork_requests"].lock]
    return [
        span_shim._BAGGAGE_LOCK, trace_exporters._lock, stats_patch._lock, STORE._lock,
        *series, PRODUCER._lock, PRODUCER._converter._lock,
    ]


def hold_locks(held, release):  # another parent thread mid-record in every shim at once
    locks = shim_locks()
    for lock in locks:
        lock.acquire()
    held.set()
    release.wait()
    for lock in locks:
        lock.release()


PER_CHILD = 20
children = {}
busy_thread = None
for number, how in enumerate(["idle", "mid-export", "busy", "locks held"]):
    release = threading.Event()
    if how == "mid-export":
        for index in range(100):
            work("parent", index)
        time.sleep(0.12)  # the batch is sent; the receiver takes 0.2 s to answer
    elif how == "busy":
        busy_thread = threading.Thread(target=busy, daemon=True)
        busy_thread.start()
        time.sleep(0.05)
    elif how == "locks held":
        held = threading.Event()
        threading.Thread(target=hold_locks, args=(held, release), daemon=True).start()
        held.wait()
    pid = os.fork()
    if pid == 0:
        for index in range(PER_CHILD):
            work(f"child-{number}", index)
        tracer_provider.shutdown()
        meter_provider.shutdown()
        exported = span_exporter.stats.exported
        if exported != 2 * PER_CHILD:
            print(f"child {number} exported {exported} spans", file=sys.stderr, flush=True)
        os._exit(0 if exported == 2 * PER_CHILD else 3)
    release.set()
    children[pid] = how

deadline = time.monotonic() + 20
codes = {}
while children.keys() - codes.keys() and time.monotonic() < deadline:
    for pid in children.keys() - codes.keys():
        done, status = os.waitpid(pid, os.WNOHANG)
        if done:
            codes[pid] = os.waitstatus_to_exitcode(status)
    time.sleep(0.02)
for pid in children.keys() - codes.keys():  # hung: kill it, say so
    os.kill(pid, signal.SIGKILL)
    os.waitpid(pid, 0)
    codes[pid] = "hung"
stop_busy.set()
busy_thread.join()
tracer_provider.shutdown()
meter_provider.shutdown()
print(json.dumps({
    "children": {children[pid]: code for pid, code in codes.items()},
    "parent_exported": span_exporter.stats.exported,
}))
"""


class Received:
    """Span names and the latest ``fork_requests`` count per ``who``, from every request."""

    def __init__(self, delay: float) -> None:
        self._delay = delay
        self.span_names: Counter[str] = Counter()
        self.requests_by_who: Dict[str, List[int]] = {}

    def __call__(self, request: Any) -> None:
        time.sleep(self._delay)  # keeps the parent's exports in flight while it forks
        for resource_spans in getattr(request, "resource_spans", ()):
            for scope_spans in resource_spans.scope_spans:
                self.span_names.update(span.name for span in scope_spans.spans)
        for resource_metrics in getattr(request, "resource_metrics", ()):
            for scope_metrics in resource_metrics.scope_metrics:
                for metric in scope_metrics.metrics:
                    if metric.name != "fork_requests":
                        continue
                    for point in metric.sum.data_points:
                        who = {a.key: a.value.string_value for a in point.attributes}["who"]
                        self.requests_by_who.setdefault(who, []).append(point.as_int)


def test_children_forked_idle_mid_export_busy_and_with_shim_locks_held_deliver_everything() -> None:
    received = Received(delay=0.2)
    with OTLPReceiver(received, grpc_port=0, http_port=None, workers=8) as receiver:
        result = subprocess.run(
            [sys.executable, "-c", textwrap.dedent(FORK_SCRIPT), receiver.grpc_endpoint],
            capture_output=True,
            text=True,
            timeout=60,
            cwd=ROOT,
            check=False,
        )
    assert result.returncode == 0, result.stderr
    report = json.loads(result.stdout.splitlines()[-1])
    assert report["children"] == {
        "idle": 0,
        "mid-export": 0,
        "busy": 0,
        "locks held": 0,
    }, result.stderr
    for number in range(4):
        who = f"child-{number}"
        assert received.span_names[f"ot-{who}"] == 20
        assert received.span_names[f"oc-{who}"] == 20
        # Cumulative: the child's last export has all of its records.
        assert max(received.requests_by_who[who]) == 20
    # The parent is unaffected: it delivers its own spans (the busy thread's included).
    assert received.span_names["ot-parent"] == received.span_names["oc-parent"] == 100
    parent_spans = 200 + received.span_names["ot-busy"] + received.span_names["oc-busy"]
    assert report["parent_exported"] == parent_spans
    # (Children report the parent's values they inherited too, never more than the parent's.)
    assert max(received.requests_by_who["busy"]) == received.span_names["ot-busy"]
