"""The application's own OpenCensus exporters keep receiving their tracers' spans.

OpenCensus' exporters (its ``opencensus.*`` classes) are never called: OpenTelemetry's replace them
(:mod:`.exporters`). An exporter the application wrote has no replacement (a test's capturing
exporter, an in-house backend's), so dropping it would lose what it did: each span a tracer given
one ends is handed to it as OpenCensus ``SpanData`` (:mod:`.span_data`), as OpenCensus' tracer did
at ``end_span``; so is each native span ended while that tracer is OpenCensus' current one, where
code migrated from ``get_opencensus_tracer()`` records. A span processor on our SDK's provider does
it, added only once such an exporter is seen, so nothing else pays for it.
"""

from __future__ import annotations

import weakref
from typing import Any

from opencensus.trace import execution_context

from otelbridge.sdk.trace import TracerProvider
from otelbridge.sdk.trace._processor import SpanProcessor
from otelbridge.shims.opencensus.trace.context_tracer import ContextTracer
from otelbridge.shims.opencensus.trace.span_data import span_data

__all__ = ["feed", "is_applications"]

#: providers that have the feed
_fed: weakref.WeakSet[Any] = weakref.WeakSet()


def is_applications(exporter: Any) -> bool:
    """Whether ``exporter`` is the application's own, not one of OpenCensus' classes."""
    module = type(exporter).__module__
    return not (module == "opencensus" or module.startswith("opencensus."))


def feed(provider: Any) -> bool:
    """Hand the ended spans of tracers given the application's exporters to those exporters
    (once per provider); False when ``provider`` is not our SDK's (nothing can be fed)."""
    if not isinstance(provider, TracerProvider):
        return False
    if provider not in _fed:
        _fed.add(provider)
        provider.add_span_processor(_Feed())
    return True


class _Feed(SpanProcessor):
    """Exports each ended OpenCensus span whose tracer holds the application's exporter, and
    each native span ended while such a tracer is OpenCensus' current one (code migrated from
    ``execution_context.get_opencensus_tracer()`` made its spans there) and records through the
    shim: OpenCensus' own tracer (no bridge, or after ``uninstall()``) exports its own spans
    only, as it always did. An error the exporter raises is the SDK's to log, as any span
    processor's."""

    def on_end(self, span: Any) -> None:
        tracer = getattr(span, "context_tracer", None)
        if tracer is None:
            tracer = getattr(execution_context.get_opencensus_tracer(), "tracer", None)
            if type(tracer) is not ContextTracer:
                return
        exporter = getattr(tracer, "exporter", None)
        if exporter is not None and is_applications(exporter):
            exporter.export([span_data(span)])
