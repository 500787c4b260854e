"""Printing whole traces: spans of one trace that arrive in several requests are shown together.

The services of one request send their spans separately (and one service in several batches),
so printing each request as it arrives shows a trace as fragments whose parents are "missing".
:class:`TraceWindow` holds a trace's spans until none of them arrived for ``window`` seconds,
then prints the trace as one tree; a span delivered twice (a retried export) is shown once.
Metric requests are printed as they arrive.
"""

from __future__ import annotations

import threading
import time
from dataclasses import dataclass, field
from typing import IO, Dict, List, Optional

from otelbridge.devtools.collector import _service, describe, span_records
from otelbridge.devtools.receiver import ExportRequest
from otelbridge.devtools.span_tree import SpanRecord, render_span_tree


@dataclass
class _Trace:
    spans: Dict[int, SpanRecord] = field(default_factory=dict)
    services: List[str] = field(default_factory=list)
    last_seen: float = 0.0


class TraceWindow:
    """A receiver consumer printing one trace at a time; :meth:`close` prints what is held."""

    def __init__(self, out: IO[str], window: float = 1.0, show_events: bool = True) -> None:
        self._out = out
        self._window = window
        self._show_events = show_events
        self._traces: Dict[int, _Trace] = {}
        self._lock = threading.Lock()
        self._closed = threading.Event()
        self._thread = threading.Thread(target=self._run, name="otelbridge-traces", daemon=True)
        self._thread.start()

    def __call__(self, request: ExportRequest) -> None:
        records = span_records(request)
        with self._lock:
            if not records:
                self._write(describe(request, self._show_events))
                return
            now = time.monotonic()
            service = _service(request)
            for record in records:
                trace = self._traces.setdefault(record.trace_id, _Trace())
                trace.spans[record.span_id] = record
                trace.last_seen = now
                if service not in trace.services:
                    trace.services.append(service)

    def close(self) -> None:
        """Print every trace still held, then stop."""
        self._closed.set()
        self._thread.join()
        self._print(older_than=None)

    def _run(self) -> None:
        while not self._closed.wait(self._window / 4):
            self._print(older_than=time.monotonic() - self._window)

    def _print(self, older_than: Optional[float]) -> None:
        with self._lock:
            ready = [
                trace_id
                for trace_id, trace in self._traces.items()
                if older_than is None or trace.last_seen <= older_than
            ]
            for trace_id in ready:
                trace = self._traces.pop(trace_id)
                header = f"── {len(trace.spans)} span(s) from {', '.join(trace.services)}"
                tree = render_span_tree(trace.spans.values(), show_events=self._show_events)
                self._write(header + "\n" + tree)

    def _write(self, text: str) -> None:
        self._out.write(text + "\n\n")
        self._out.flush()
