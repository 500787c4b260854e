"""The exporter interface and the helper processors use to call it safely."""

from __future__ import annotations

import enum
import logging
from typing import TYPE_CHECKING, Any, Sequence

from opentelemetry.context import _SUPPRESS_INSTRUMENTATION_KEY

from otelbridge.sdk.trace._context import attach, detach

if TYPE_CHECKING:
    from otelbridge.sdk.trace import ReadableSpan

_logger = logging.getLogger(__name__)


class SpanExportResult(enum.Enum):
    SUCCESS = 0
    FAILURE = 1


class SpanExporter:
    """Sends finished spans somewhere. Subclasses implement :meth:`export`.

    ``suppress_instrumentation``: whether processors mark the export call so that instrumented
    clients (HTTP, gRPC) do not trace the exporter's own I/O. Exporters that do no I/O set it to
    ``False`` and save that cost on every export. Exporters that are not subclasses of this class
    (e.g. opentelemetry-python's) are always suppressed.
    """

    suppress_instrumentation: bool = True

    def export(self, spans: Sequence[ReadableSpan]) -> SpanExportResult:
        raise NotImplementedError

    def shutdown(self) -> None:
        """Release resources; later exports may fail."""

    def force_flush(self, timeout_millis: int = 30000) -> bool:
        """Send anything buffered; ``True`` when done within the timeout."""
        return True


def needs_suppression(exporter: Any) -> bool:
    """Whether exporting through ``exporter`` must be hidden from instrumentation."""
    return bool(getattr(exporter, "suppress_instrumentation", True))


def export_safely(exporter: Any, spans: Sequence[Any], suppress: bool = True) -> bool:
    """Export ``spans``; exceptions are logged and reported as failure, never raised.
    ``suppress`` (see :func:`needs_suppression`) marks the call as not to be instrumented."""
    try:
        if suppress:
            token = attach(_SUPPRESS_INSTRUMENTATION_KEY, True)
            try:
                result = exporter.export(spans)
            finally:
                detach(token)
        else:
            result = exporter.export(spans)
    except Exception:
        _logger.exception("Exporter %r failed to export %d span(s)", exporter, len(spans))
        return False
    return getattr(result, "name", None) == "SUCCESS"
