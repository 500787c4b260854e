"""``otelbridge demo``: run the built-in workload through otelbridge's SDK and show its spans."""

from __future__ import annotations

import argparse

HELP = "run a small built-in workload traced by otelbridge and print its span tree"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--no-events", action="store_true", help="do not list span events under their spans"
    )


def run(args: argparse.Namespace) -> int:
    from otelbridge.bridge import install, uninstall
    from otelbridge.demo import run_native_workload
    from otelbridge.demo.legacy import load_example, reserve_with
    from otelbridge.sdk.resources import Resource
    from otelbridge.sdk.trace import TracerProvider
    from otelbridge.sdk.trace.export import SimpleSpanProcessor
    from otelbridge.sdk.trace.export.in_memory_span_exporter import InMemorySpanExporter
    from otelbridge.sdk.trace.export.span_tree import record_from_span, render_span_tree
    from otelbridge.shims.opentracing import TRACER_NAME

    exporter = InMemorySpanExporter()
    provider = TracerProvider(
        resource=Resource.create({"service.name": "otelbridge-demo"}), shutdown_on_exit=False
    )
    provider.add_span_processor(SimpleSpanProcessor(exporter))
    # The OpenTracing example joins the native spans through the bridge, when present.
    example = load_example()
    install(tracer_provider=provider, patch_jaeger=False)
    try:
        statuses = run_native_workload(provider, example and reserve_with(example))
    finally:
        uninstall()
    provider.shutdown()
    spans = exporter.get_finished_spans()
    legacy = sum(span.instrumentation_scope.name == TRACER_NAME for span in spans)
    print(
        f"otelbridge demo: {len(statuses)} requests ({', '.join(map(str, statuses))}), "
        f"{len(spans)} spans traced by otelbridge.sdk ({legacy} from OpenTracing code through "
        f"the bridge)\n"
    )
    print(render_span_tree([record_from_span(s) for s in spans], show_events=not args.no_events))
    return 0
