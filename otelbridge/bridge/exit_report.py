"""The bridged program's last line: how many spans never reached the backend, and where.

Exporting to ``otlp`` on localhost is the default, so a program run without a collector loses
its spans; saying so once at exit (rather than only in a log line per failed batch, early in the
output) tells the user what happened and how to fix it. The counts are the public counters of
our SDK: ``BatchSpanProcessor.queue_full_spans`` and ``undelivered_spans`` (still queued when
shutdown gave up on the receiver) and an exporter's ``stats.failed`` (every attempt failed), at the
exporter's ``endpoint``.
"""

from __future__ import annotations

import atexit
import sys
import threading
from typing import Any, Callable, List, TextIO

from otelbridge.sdk.trace import TracerProvider


class ExitReport:
    """Shuts the bridge's own providers down once; at interpreter exit also reports losses.

    Registered with ``atexit`` after the providers were built, so it runs before their own exit
    hooks (which then find them shut down) and sees the final counts.
    """

    def __init__(self, tracer_provider: Any, shutdown: Callable[[], None]) -> None:
        self._tracer_provider = tracer_provider
        self._shutdown = shutdown
        self._done = False
        self._lock = threading.Lock()
        atexit.register(self.at_exit)

    def shutdown(self) -> bool:
        """Shut the providers down unless done already; true when this call did it."""
        with self._lock:
            if self._done:
                return False
            self._done = True
        self._shutdown()
        return True

    def at_exit(self, out: TextIO = sys.stderr) -> None:
        if self.shutdown():
            line = lost_spans_line(self._tracer_provider)
            if line:
                print(line, file=out, flush=True)


def lost_spans_line(provider: Any) -> str:
    """One line naming the spans lost per endpoint, or ``""`` when none were."""
    if not isinstance(provider, TracerProvider):
        return ""
    parts: List[str] = []
    for processor in provider.span_processors:
        exporter = getattr(processor, "span_exporter", None)
        where = getattr(exporter, "endpoint", None) or type(exporter).__name__
        stats = getattr(exporter, "stats", None)
        failed = getattr(stats, "failed", 0) + getattr(processor, "undelivered_spans", 0)
        queue_full = getattr(processor, "queue_full_spans", 0)
        if failed:
            parts.append(f"{failed} span(s) not accepted at {where}")
        if queue_full:
            parts.append(f"{queue_full} span(s) dropped before export to {where} (queue full)")
    if not parts:
        return ""
    return (
        f"otelbridge: {'; '.join(parts)}. Is a collector listening there? "
        "(otelbridge collect is one; or set OTEL_EXPORTER_OTLP_ENDPOINT or OTEL_TRACES_EXPORTER)"
    )
