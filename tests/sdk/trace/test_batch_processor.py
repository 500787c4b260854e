"""BatchSpanProcessor: batching, never blocking, drops, flush, shutdown, fork."""

from __future__ import annotations

import logging
import subprocess
import sys
import textwrap
import threading
import time

import pytest

from otelbridge.sdk.trace import TracerProvider
from otelbridge.sdk.trace.export import BatchSpanProcessor, SpanExporter, SpanExportResult
from otelbridge.sdk.trace.export.in_memory_span_exporter import InMemorySpanExporter


class RecordingExporter(SpanExporter):
    """Remembers batch sizes; can be made to block until released."""

    def __init__(self, block: bool = False) -> None:
        self.batches: list = []
        self.release = threading.Event()
        if not block:
            self.release.set()
        self.shut_down = False

    def export(self, spans):
        self.release.wait(5)
        self.batches.append([s.name for s in spans])
        return SpanExportResult.SUCCESS

    def shutdown(self):
        self.shut_down = True


def tracer_with(processor):
    provider = TracerProvider(shutdown_on_exit=False)
    provider.add_span_processor(processor)
    return provider, provider.get_tracer("t")


def test_force_flush_exports_in_batches() -> None:
    exporter = RecordingExporter()
    processor = BatchSpanProcessor(exporter, max_export_batch_size=4, schedule_delay_millis=60000)
    provider, tracer = tracer_with(processor)
    for i in range(10):
        tracer.start_span(f"s{i}").end()
    assert processor.force_flush(5000)
    assert sum(len(b) for b in exporter.batches) == 10
    assert all(len(b) <= 4 for b in exporter.batches)
    assert [n for b in exporter.batches for n in b] == [f"s{i}" for i in range(10)]
    provider.shutdown()


def test_full_batch_exported_without_waiting_for_the_timer() -> None:
    exporter = RecordingExporter()
    processor = BatchSpanProcessor(exporter, max_export_batch_size=3, schedule_delay_millis=60000)
    provider, tracer = tracer_with(processor)
    for i in range(3):
        tracer.start_span(f"s{i}").end()
    deadline = time.monotonic() + 5
    while not exporter.batches and time.monotonic() < deadline:
        time.sleep(0.01)
    assert exporter.batches == [["s0", "s1", "s2"]]
    provider.shutdown()


def test_schedule_delay_exports_partial_batch() -> None:
    exporter = RecordingExporter()
    processor = BatchSpanProcessor(exporter, schedule_delay_millis=20)
    provider, tracer = tracer_with(processor)
    tracer.start_span("lonely").end()
    deadline = time.monotonic() + 5
    while not exporter.batches and time.monotonic() < deadline:
        time.sleep(0.01)
    assert exporter.batches == [["lonely"]]
    provider.shutdown()


def test_never_blocks_and_counts_and_logs_drops(caplog) -> None:
    exporter = RecordingExporter(block=True)
    processor = BatchSpanProcessor(
        exporter, max_queue_size=5, max_export_batch_size=5, schedule_delay_millis=60000
    )
    provider, tracer = tracer_with(processor)
    with caplog.at_level(logging.WARNING):
        started = time.monotonic()
        for i in range(50):
            tracer.start_span(f"s{i}").end()
        assert time.monotonic() - started < 1.0  # the exporter is stuck, we are not
        assert processor.dropped_spans >= 40
        exporter.release.set()
        processor.force_flush(5000)
    messages = [r.getMessage() for r in caplog.records]
    assert any("queue is full" in m for m in messages)
    assert any(f"({processor.dropped_spans} in total)" in m for m in messages)
    provider.shutdown()


def test_shutdown_flushes_and_shuts_exporter_down() -> None:
    exporter = RecordingExporter()
    processor = BatchSpanProcessor(exporter, schedule_delay_millis=60000)
    provider, tracer = tracer_with(processor)
    tracer.start_span("last").end()
    provider.shutdown()
    assert exporter.batches == [["last"]] and exporter.shut_down
    tracer.start_span("after").end()  # ignored, no error
    assert processor.force_flush() is True


def test_exporter_exception_logged_and_worker_survives(caplog) -> None:
    class Flaky(InMemorySpanExporter):
        calls = 0

        def export(self, spans):
            self.calls += 1
            if self.calls == 1:
                raise RuntimeError("collector down")
            return super().export(spans)

    exporter = Flaky()
    processor = BatchSpanProcessor(exporter, max_export_batch_size=1, schedule_delay_millis=60000)
    provider, tracer = tracer_with(processor)
    with caplog.at_level(logging.ERROR):
        tracer.start_span("lost").end()
        processor.force_flush(5000)
        tracer.start_span("kept").end()
        processor.force_flush(5000)
    assert [s.name for s in exporter.get_finished_spans()] == ["kept"]
    assert any("collector down" in str(r.exc_info) for r in caplog.records)
    provider.shutdown()


def test_env_vars_configure_defaults(monkeypatch) -> None:
    monkeypatch.setenv("OTEL_BSP_MAX_QUEUE_SIZE", "100")
    monkeypatch.setenv("OTEL_BSP_SCHEDULE_DELAY", "250")
    monkeypatch.setenv("OTEL_BSP_MAX_EXPORT_BATCH_SIZE", "10")
    monkeypatch.setenv("OTEL_BSP_EXPORT_TIMEOUT", "700")
    processor = BatchSpanProcessor(InMemorySpanExporter())
    assert (processor.max_queue_size, processor.schedule_delay_millis) == (100, 250)
    assert (processor.max_export_batch_size, processor.export_timeout_millis) == (10, 700)
    assert BatchSpanProcessor(InMemorySpanExporter(), max_queue_size=50).max_queue_size == 50
    processor.shutdown()


@pytest.mark.parametrize(
    ("var", "value"), [("OTEL_BSP_MAX_QUEUE_SIZE", "lots"), ("OTEL_BSP_SCHEDULE_DELAY", "-1")]
)
def test_invalid_env_values_name_the_variable(monkeypatch, var, value) -> None:
    monkeypatch.setenv(var, value)
    with pytest.raises(ValueError, match=var):
        BatchSpanProcessor(InMemorySpanExporter())


def test_batch_larger_than_queue_rejected() -> None:
    with pytest.raises(ValueError, match="max_export_batch_size"):
        BatchSpanProcessor(InMemorySpanExporter(), max_queue_size=10, max_export_batch_size=20)


def test_worker_restarts_in_forked_child() -> None:
    script = textwrap.dedent(
        """
        import os, sys
        from otelbridge.sdk.trace import TracerProvider
        from otelbridge.sdk.trace.export import BatchSpanProcessor
        from otelbridge.sdk.trace.export.in_memory_span_exporter import InMemorySpanExporter

        exporter = InMemorySpanExporter()
        processor = BatchSpanProcessor(exporter, schedule_delay_millis=60000)
        provider = TracerProvider(shutdown_on_exit=False)
        provider.add_span_processor(processor)
        tracer = provider.get_tracer("t")
        tracer.start_span("parent-before-fork").end()
        read, write = os.pipe()
        pid = os.fork()
        if pid == 0:
            tracer.start_span("in-child").end()
            ok = processor.force_flush(5000)
            names = ",".join(s.name for s in exporter.get_finished_spans())
            os.write(write, f"{ok}:{names}".encode())
            os._exit(0)
        os.close(write)
        child = os.read(read, 1000).decode()
        os.waitpid(pid, 0)
        processor.force_flush(5000)
        parent = ",".join(s.name for s in exporter.get_finished_spans())
        print(child)
        print(parent)
        """
    )
    result = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, timeout=30, check=True
    )
    child, parent = result.stdout.split()
    assert child == "True:in-child"  # the parent's queued span is not exported twice
    assert parent == "parent-before-fork"


def test_spans_from_many_threads_exported_exactly_once_while_flushing() -> None:
    exporter = InMemorySpanExporter()
    processor = BatchSpanProcessor(
        exporter, max_queue_size=10_000, max_export_batch_size=16, schedule_delay_millis=1
    )
    provider, tracer = tracer_with(processor)

    def work(thread: int) -> None:
        for i in range(300):
            tracer.start_span(f"{thread}-{i}").end()
            if i % 100 == 0:
                processor.force_flush(5000)

    threads = [threading.Thread(target=work, args=(n,)) for n in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert processor.force_flush(5000)
    names = [s.name for s in exporter.get_finished_spans()]
    assert len(names) == len(set(names)) == 1200
    assert processor.dropped_spans == 0
    provider.shutdown()


def test_drops_from_many_threads_are_all_counted(caplog, frequent_thread_switches) -> None:
    """Eight threads end spans into a full queue at once (with a tiny switch interval, so they
    interleave constantly): every drop is counted, and the first one is logged once."""
    exporter = RecordingExporter(block=True)
    processor = BatchSpanProcessor(
        exporter, max_queue_size=1, max_export_batch_size=1, schedule_delay_millis=60000
    )
    provider, tracer = tracer_with(processor)
    span = tracer.start_span("first")
    span.end()
    deadline = time.monotonic() + 2
    while processor._queue and time.monotonic() < deadline:  # the worker takes it and blocks
        time.sleep(0.001)
    tracer.start_span("filler").end()  # the queue is now full until the exporter is released
    assert len(processor._queue) == 1
    dropped_before = processor.dropped_spans
    per_thread, threads = 5000, 8
    with caplog.at_level(logging.WARNING):
        workers = [
            threading.Thread(target=lambda: [processor.on_end(span) for _ in range(per_thread)])
            for _ in range(threads)
        ]
        for worker in workers:
            worker.start()
        for worker in workers:
            worker.join()
    assert processor.dropped_spans - dropped_before == per_thread * threads
    assert sum("queue is full" in r.getMessage() for r in caplog.records) <= 1
    exporter.release.set()
    provider.shutdown()
