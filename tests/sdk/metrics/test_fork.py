"""A child forked while other threads record, offer exemplars, collect, or hold any lock of the
metrics pipeline records and collects without waiting (issue 16, item 3). The forks run in a
subprocess; a child that hangs is ended by SIGALRM and counted."""

from __future__ import annotations

import json
import subprocess
import sys
import textwrap

FORK_SCRIPT = """
import json, os, signal, threading

from otelbridge.sdk.metrics import AlwaysOnExemplarFilter, MeterProvider
from otelbridge.sdk.metrics.export import InMemoryMetricReader

reader = InMemoryMetricReader()
provider = MeterProvider(
    metric_readers=[reader], exemplar_filter=AlwaysOnExemplarFilter(), shutdown_on_exit=False
)
meter = provider.get_meter("m")
counter = meter.create_counter("c")
histogram = meter.create_histogram("h")
stop = threading.Event()


def record():
    while not stop.is_set():
        counter.add(1, {"who": "parent"})
        histogram.record(2.5, {"who": "parent"})


def collect():
    while not stop.is_set():
        reader.get_metrics_data()


def child_counts():
    counts = {}
    for rm in reader.get_metrics_data().resource_metrics:
        for sm in rm.scope_metrics:
            for metric in sm.metrics:
                for point in metric.data.data_points:
                    if point.attributes.get("who") == "child":
                        counts[metric.name] = getattr(point, "value", None) or point.count
    return counts


def fork_and_check():
    pid = os.fork()
    if pid == 0:
        signal.alarm(3)  # a child waiting on an inherited lock dies of SIGALRM
        counter.add(2, {"who": "child"})
        histogram.record(1.0, {"who": "child"})
        provider.get_meter("other").create_counter("late").add(1)
        os._exit(0 if child_counts() == {"c": 2, "h": 1} else 3)
    return os.waitstatus_to_exitcode(os.waitpid(pid, 0)[1])


threads = [threading.Thread(target=work, daemon=True) for work in (record, record, collect)]
for thread in threads:
    thread.start()
busy = [fork_and_check() for _ in range(20)]
stop.set()
for thread in threads:
    thread.join()

pipeline = next(iter(provider._pipelines.values()))
streams = [stream for streams in pipeline._by_scope.values() for stream in streams]
locks = [provider._lock, provider._readers_lock, meter._lock, pipeline._lock,
         pipeline._collect_lock]
for stream in streams:
    locks.append(stream._lock)
    locks.extend(reservoir._lock for reservoir in stream._reservoirs.values())
held, release = threading.Event(), threading.Event()


def hold():
    for lock in locks:
        lock.acquire()
    held.set()
    release.wait()
    for lock in locks:
        lock.release()


threading.Thread(target=hold, daemon=True).start()
held.wait()
locked = fork_and_check()
release.set()
print(json.dumps({"busy": busy, "locks held": locked, "locks": len(locks)}))
"""


def test_children_forked_beside_recording_collecting_and_lock_holding_threads_do_not_hang():
    result = subprocess.run(
        [sys.executable, "-c", textwrap.dedent(FORK_SCRIPT)],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    report = json.loads(result.stdout)
    assert report["busy"] == [0] * 20  # -14 would be a child ended by SIGALRM: it hung
    assert report["locks held"] == 0
    assert report["locks"] >= 9  # provider, meter, pipeline, 2 streams and their reservoirs
