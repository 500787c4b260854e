"""The bridged program's last line: how many spans never reached the backend, and where.

Exporting to ``otlp`` on localhost is the default, so a program run without a collector loses
its spans; saying so once at exit (rather than only in a log line per failed batch, early in the
output) tells the user what happened and how to fix it. The counts are the public counters of
our SDK: an exporter's ``stats.failed`` (spans it gave up after every attempt) plus its
processor's ``dropped_spans`` (spans the processor gave up: queue full, or still queued when
shutdown found the receiver unreachable), at the exporter's ``endpoint``.
"""

from __future__ import annotations

import atexit
import sys
import threading
from typing import Any, Callable, Dict, TextIO

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
    lost: Dict[str, int] = {}
    for processor in provider.span_processors:
        exporter = getattr(processor, "span_exporter", None)
        count = getattr(getattr(exporter, "stats", None), "failed", 0)
        count += getattr(processor, "dropped_spans", 0)
        if count:
            where = getattr(exporter, "endpoint", None) or type(exporter).__name__
            lost[where] = lost.get(where, 0) + count
    if not lost:
        return ""
    counts = "; ".join(
        f"{count} span(s) were not delivered to {where}" for where, count in lost.items()
    )
    return (
        f"otelbridge: {counts}. Is a collector listening there? "
        "(otelbridge collect is one; or set OTEL_EXPORTER_OTLP_ENDPOINT or OTEL_TRACES_EXPORTER)"
    )
