"""Run one corpus program on our SDK and print its span tree; run in a fresh process per program.

``python span_tree.py shim PROGRAM``: the legacy program as-is, under the OpenTracing shim.
``python span_tree.py native PROGRAM``: a migrated program, natively on the OpenTelemetry API.
``python span_tree.py bridge PROGRAM``: any program under otelbridge's bridge (``install()``), which
serves OpenTracing calls, such as those a partial migration keeps, from the same provider.
Both export to an in-memory exporter; the outline printed is what the equivalence test compares.
"""

from __future__ import annotations

import importlib.util
import os
import sys
from typing import Any

from opentelemetry import trace

from otelbridge.sdk.trace import ReadableSpan, TracerProvider
from otelbridge.sdk.trace.export import SimpleSpanProcessor
from otelbridge.sdk.trace.export.in_memory_span_exporter import InMemorySpanExporter

#: The ``error`` and ``span.kind`` tags map to the status and kind (compared as such); both the
#: shim and the migrated code keep them as attributes too, but only by default (``--semconv``).
IGNORED_ATTRIBUTES = frozenset({"error", "span.kind"})
#: Of an exception event, what both sides must agree on (stack traces and extras differ).
EXCEPTION_KEYS = ("exception.type", "exception.message")


def _attrs(attributes: Any, keep: Any = None) -> str:
    items = sorted(
        (key, value)
        for key, value in dict(attributes or {}).items()
        if key not in IGNORED_ATTRIBUTES and (keep is None or key in keep)
    )
    return "{" + ", ".join(f"{key}={value!r}" for key, value in items) + "}"


def _line(span: ReadableSpan) -> str:
    events = []
    for event in span.events:
        keep = EXCEPTION_KEYS if event.name == "exception" else None
        events.append(f"{event.name}{_attrs(event.attributes, keep)}")
    return (
        f"{span.name} kind={span.kind.name} status={span.status.status_code.name} "
        f"attrs={_attrs(span.attributes)} events=[{', '.join(events)}]"
    )


def outline(spans: Any) -> str:
    by_id = {span.context.span_id: span for span in spans}
    children: dict[Any, list[ReadableSpan]] = {}
    for span in spans:
        parent = span.parent.span_id if span.parent is not None else None
        children.setdefault(parent if parent in by_id else None, []).append(span)
    lines: list[str] = []

    def walk(parent: Any, depth: int) -> None:
        for span in sorted(children.get(parent, []), key=_line):
            lines.append("  " * depth + _line(span))
            walk(span.context.span_id, depth + 1)

    walk(None, 0)
    return "\n".join(lines)


def main(variant: str, path: str) -> None:
    exporter = InMemorySpanExporter()
    provider = TracerProvider()
    provider.add_span_processor(SimpleSpanProcessor(exporter))
    if variant == "bridge":
        from otelbridge.bridge import install

        install(tracer_provider=provider)
    else:
        trace.set_tracer_provider(provider)
    if variant == "shim":
        import opentracing

        from otelbridge.shims.opentracing import TracerShim

        opentracing.set_global_tracer(TracerShim(provider))
    sys.path.insert(0, os.path.dirname(os.path.abspath(path)))  # as ``python PROGRAM`` does
    spec = importlib.util.spec_from_file_location("program", path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    module.main()
    print(outline(exporter.get_finished_spans()))


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2])
