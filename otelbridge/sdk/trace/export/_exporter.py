"""The exporter interface and the helper processors use to call it safely."""

from __future__ import annotations

import enum
import logging
from typing import TYPE_CHECKING, Optional, Protocol, Sequence

from otelbridge.sdk.trace._context import attach_suppressed, detach
from otelbridge.sdk.util.delivery import DELIVERED, Delivery

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


#: Bound once: reading an Enum member from its class is a descriptor call (per exported span).
_SUCCESS = SpanExportResult.SUCCESS


class ExportsSpans(Protocol):
    """What processors need of an exporter: ours (:class:`SpanExporter`) or any other with the
    same methods, such as opentelemetry-python's."""

    def export(self, spans: Sequence[ReadableSpan]) -> object: ...

    def shutdown(self) -> None: ...


def needs_suppression(exporter: object) -> bool:
    """Whether exporting through ``exporter`` must be hidden from instrumentation."""
    return bool(getattr(exporter, "suppress_instrumentation", True))


class RetryingSpanExporter(Protocol):
    """An exporter that can hand a batch back on a transient failure (ours; see
    :mod:`otelbridge.sdk.util.delivery`), so that the processor keeps it through an outage."""

    def try_export(
        self, spans: Sequence[ReadableSpan], timeout: Optional[float] = None
    ) -> Delivery: ...

    def stop_retrying(self) -> None: ...


def retrying(exporter: object) -> Optional[RetryingSpanExporter]:
    """``exporter`` if it implements :class:`RetryingSpanExporter`, else ``None``."""
    if callable(getattr(exporter, "try_export", None)) and callable(
        getattr(exporter, "stop_retrying", None)
    ):
        return exporter  # type: ignore[return-value]  # checked just above
    return None


def deliver_safely(
    exporter: ExportsSpans,
    spans: Sequence[ReadableSpan],
    suppress: bool = True,
    keeper: Optional[RetryingSpanExporter] = None,
    timeout: Optional[float] = None,
) -> Delivery:
    """Hand ``spans`` to ``exporter``; exceptions are logged and reported as a permanent
    failure, never raised. ``suppress`` (see :func:`needs_suppression`) marks the call as not to
    be instrumented. A caller that can keep a batch through an outage passes ``keeper``
    (:func:`retrying` of the exporter): it is called through ``try_export``, everyone else
    through ``export``, where every failure is final."""
    token = attach_suppressed() if suppress else None
    try:
        if keeper is not None:
            return keeper.try_export(spans, timeout)
        result = exporter.export(spans)
    except Exception:
        _logger.exception("Exporter %r failed to export %d span(s)", exporter, len(spans))
        return Delivery(ok=False, error="exporter raised")
    finally:
        if token is not None:
            detach(token)
    # Identity first: Enum's ``name`` is a property, and this runs once per exported span under
    # SimpleSpanProcessor; the name compare accepts foreign result enums (opentelemetry-sdk's).
    if result is _SUCCESS or getattr(result, "name", None) == "SUCCESS":
        return DELIVERED
    return Delivery(ok=False, error="exporter reported failure")
