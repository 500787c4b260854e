"""``SpanShim``: an OpenCensus span recording into an OpenTelemetry span of any SDK.

On otelbridge's SDK the recording span is itself the OpenCensus span
(:class:`~.sdk_span.SdkSpanShim`); this wrapper serves other SDKs and non-recording spans, and
:class:`SpanMethods` holds what both share. It has the methods and the writable fields
OpenCensus integrations use. Field writes are kept: ``name`` renames the span at once;
``status`` (or ``set_status``) and ``span_kind`` are applied when the span ends, so the last
write wins as in OpenCensus (OpenTelemetry would keep a first OK, and only takes a kind at
start). A kind set after start cannot be applied on another SDK, which is logged once.
"""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING, Any, Optional

from opencensus.trace import link as oc_link
from opencensus.trace import status as oc_status
from opencensus.trace.span import SpanKind as OcSpanKind
from opentelemetry import trace
from opentelemetry.context import Context
from opentelemetry.trace import Span, set_span_in_context

from otelbridge.sdk.trace._span import Span as SdkSpan
from otelbridge.shims._values import attribute_value as _attribute_value
from otelbridge.shims._values import attributes
from otelbridge.shims.opencensus.trace import _convert
from otelbridge.shims.opencensus.trace._failures import report

if TYPE_CHECKING:
    from otelbridge.shims.opencensus.trace.context_tracer import ContextTracer

_logger = logging.getLogger("otelbridge.shims.opencensus")
#: Attribute value types OpenTelemetry takes as they are.
EXACT_PRIMITIVES = frozenset((str, bool, int, float))
UNSPECIFIED: int = OcSpanKind.UNSPECIFIED
_UNSPECIFIED = UNSPECIFIED
_kind_warned = False


def _warn_kind_lost() -> None:
    global _kind_warned
    if not _kind_warned:
        _kind_warned = True
        _logger.warning(
            "OpenCensus code set span_kind after starting a span; this TracerProvider cannot "
            "change a started span's kind, so such spans keep INTERNAL (use otelbridge.sdk to "
            "keep them; logged once)"
        )


class SpanMethods:
    """The OpenCensus span methods that read the same on both span shims: they reach the
    OpenTelemetry span through :meth:`unwrap` (the wrapped span, or the span itself)."""

    __slots__ = ()

    context_tracer: Optional[ContextTracer]
    parent_span: Any

    def unwrap(self) -> Span:
        raise NotImplementedError

    @property
    def span_id(self) -> str:
        return f"{self.unwrap().get_span_context().span_id:016x}"

    def add_annotation(self, description: str, **attrs: Any) -> None:
        self.unwrap().add_event(str(description), attributes(attrs))

    def add_message_event(self, message_event: Any) -> None:
        try:
            name, fields, timestamp = _convert.message_event(message_event)
            self.unwrap().add_event(name, fields, timestamp)
        except Exception:
            report("add_message_event")

    def _add_oc_link(self, link: Any) -> None:
        """Add an OpenCensus ``Link`` (TypeError for anything else, as OpenCensus)."""
        if not isinstance(link, oc_link.Link):
            raise TypeError(f"Type Error: received {type(link).__name__}, but requires Link.")
        try:
            context, fields = _convert.link_context(link)
            if context is None:
                _logger.warning("dropping an OpenCensus link whose ids are not hex: %r", link)
                return
            self.unwrap().add_link(context, fields)
        except Exception:
            report("add_link")

    def span(self, name: str = "child_span") -> Any:
        """A child span that is not made current and not tracked by a tracer (as OpenCensus'
        ``Span.span``): end it with ``finish()`` or a ``with`` block."""
        from otelbridge.shims.opencensus.trace.sdk_span import adopt

        owner: Any = self
        while owner is not None and owner.context_tracer is None:
            owner = owner.parent_span
        if owner is None or owner.context_tracer is None:
            tracer = trace.get_tracer("opencensus-shim")
        else:
            tracer = owner.context_tracer.otel_tracer
        child = tracer.start_span(name, set_span_in_context(self.unwrap()))
        return adopt(child, self, None)

    def start(self) -> None:
        """Nothing to do: the OpenTelemetry span started when this shim was made."""

    def __enter__(self) -> Any:
        return self


class SpanShim(SpanMethods):
    """An OpenCensus ``Span`` recording into an OpenTelemetry span (see the module docstring).

    ``span_id`` is the OpenTelemetry span id in 16 hex digits, ``parent_span`` the OpenCensus
    parent shim (None for a local root or a remote parent), ``context_tracer`` the tracer that
    started it (None for children made with :meth:`span`, which OpenCensus never makes current).
    Other attributes code may assign (``stack_trace``, ``same_process_as_parent_span``, ...) are
    accepted and kept on the object.
    """

    __slots__ = (
        "__dict__",
        "_otel_span",
        "_previous",
        "_status",
        "context_tracer",
        "parent_span",
        "span_kind",
    )

    def __init__(
        self,
        otel_span: Span,
        parent_span: Any,
        context_tracer: Optional[ContextTracer],
    ) -> None:
        self._otel_span = otel_span
        self.parent_span = parent_span
        self.context_tracer = context_tracer
        self.span_kind = _UNSPECIFIED
        self._status: Any = None
        # The OpenTelemetry context this span replaced when made current.
        self._previous: Optional[Context] = None

    def unwrap(self) -> Span:
        """The underlying OpenTelemetry span."""
        return self._otel_span

    @property
    def name(self) -> str:
        return getattr(self._otel_span, "name", "")

    @name.setter
    def name(self, name: str) -> None:
        self._otel_span.update_name(name)

    @property
    def status(self) -> Any:
        """The OpenCensus status last set (OK when none was: OpenCensus' default)."""
        status = self._status
        return oc_status.Status.as_ok() if status is None else status

    @status.setter
    def status(self, status: Any) -> None:
        self._status = status

    @property
    def attributes(self) -> Any:
        """The OpenTelemetry span's attributes, where its SDK exposes them (read-only)."""
        return getattr(self._otel_span, "attributes", {})

    def add_attribute(self, attribute_key: str, attribute_value: Any) -> None:
        if type(attribute_value) not in EXACT_PRIMITIVES:
            attribute_value = _attribute_value(attribute_value)
            if attribute_value is None:
                return
        if type(attribute_key) is not str:
            attribute_key = str(attribute_key)
        self._otel_span.set_attribute(attribute_key, attribute_value)

    def add_link(self, link: Any) -> None:
        self._add_oc_link(link)

    def set_status(self, status: Any) -> None:
        if not isinstance(status, oc_status.Status):
            raise TypeError(f"Type Error: received {type(status).__name__}, but requires Status.")
        self._status = status

    def finish(self) -> None:
        """End the OpenTelemetry span, applying the kind and status written since start."""
        # Identity tests: nothing here can raise into the app (a written kind is compared inside).
        if self.span_kind is not _UNSPECIFIED or self._status is not None:
            self._apply_fields()
        self._otel_span.end()

    def _apply_fields(self) -> None:
        otel = self._otel_span
        try:
            kind = self.span_kind
            if kind != _UNSPECIFIED:
                if type(otel) is SdkSpan:
                    otel.set_kind(_convert.otel_kind(kind))
                elif otel.is_recording():
                    _warn_kind_lost()
            status = self._status
            if status is not None:
                otel.set_status(_convert.otel_status(status))
        except Exception:
            report("finish")

    def __exit__(self, exc_type: Any, exc_value: Any, tb: Any) -> None:
        if exc_value is not None:
            try:
                otel = self._otel_span
                otel.record_exception(exc_value, escaped=True)
                self._status = oc_status.Status(2, str(exc_value))
            except Exception:
                report("__exit__")
        tracer = self.context_tracer
        if tracer is None:
            self.finish()
        else:
            tracer.end_span()

    def __repr__(self) -> str:
        return f"SpanShim({self._otel_span!r})"
