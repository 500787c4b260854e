"""Call a library's ``child(name, parent)`` with a span, a span context and None, as its callers
do with either API, and print the span tree (``python spans_driver.py shim|native LIBRARY``)."""

from __future__ import annotations

import importlib.util
import sys

from opentelemetry import trace
from span_tree import outline

from otelbridge.sdk.trace import TracerProvider
from otelbridge.sdk.trace.export import SimpleSpanProcessor
from otelbridge.sdk.trace.export.in_memory_span_exporter import InMemorySpanExporter


def main(variant: str, path: str) -> None:
    exporter = InMemorySpanExporter()
    provider = TracerProvider()
    provider.add_span_processor(SimpleSpanProcessor(exporter))
    trace.set_tracer_provider(provider)
    spec = importlib.util.spec_from_file_location("library", path)
    assert spec is not None and spec.loader is not None
    library = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(library)
    if variant == "shim":
        import opentracing

        from otelbridge.shims.opentracing import TracerShim

        opentracing.set_global_tracer(TracerShim(provider))
        legacy = opentracing.global_tracer()
        root = legacy.start_span("root")
        library.child("of_span", root)
        library.child("of_context", root.context)
        with legacy.start_active_span("active"):
            library.child("of_none", None)
        root.finish()
    else:
        tracer = trace.get_tracer(__name__)
        span = tracer.start_span("root")
        library.child("of_span", span)
        library.child("of_context", span.get_span_context())
        with tracer.start_as_current_span("active"):
            library.child("of_none", None)
        span.end()
    print(outline(exporter.get_finished_spans()))


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2])
