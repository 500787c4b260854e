"""An exporter that writes spans as JSON to a stream (stdout by default)."""

from __future__ import annotations

import os
import sys
from typing import TYPE_CHECKING, Callable, Optional, Sequence, TextIO

from otelbridge.sdk.trace.export._exporter import SpanExporter, SpanExportResult

if TYPE_CHECKING:
    from otelbridge.sdk.trace import ReadableSpan


def _to_json_line(span: ReadableSpan) -> str:
    return span.to_json() + os.linesep


class ConsoleSpanExporter(SpanExporter):
    """Writes each span with ``formatter`` (default: indented JSON) to ``out``."""

    suppress_instrumentation = False

    def __init__(
        self,
        service_name: Optional[str] = None,
        out: TextIO = sys.stdout,
        formatter: Callable[[ReadableSpan], str] = _to_json_line,
    ) -> None:
        self.service_name = service_name
        self.out = out
        self.formatter = formatter

    def export(self, spans: Sequence[ReadableSpan]) -> SpanExportResult:
        for span in spans:
            self.out.write(self.formatter(span))
        self.out.flush()
        return SpanExportResult.SUCCESS
