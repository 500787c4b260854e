"""``otelbridge demo``: run the built-in workload through otelbridge's SDK and show its spans."""

from __future__ import annotations

import argparse

HELP = (
    "run a small built-in workload traced by otelbridge, export it over OTLP to an embedded "
    "collector and print the span tree that arrived"
)


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--no-events", action="store_true", help="do not list span events under their spans"
    )


def run(args: argparse.Namespace) -> int:
    from otelbridge.bridge import install, uninstall
    from otelbridge.demo import run_native_workload
    from otelbridge.demo.legacy import load_example, reserve_with
    from otelbridge.devtools.collector import EmbeddedCollector
    from otelbridge.devtools.span_tree import render_span_tree
    from otelbridge.sdk.export.otlp.proto.grpc.trace_exporter import OTLPSpanExporter
    from otelbridge.sdk.resources import Resource
    from otelbridge.sdk.trace import TracerProvider
    from otelbridge.sdk.trace.export import SimpleSpanProcessor

    with EmbeddedCollector() as collector:
        provider = TracerProvider(
            resource=Resource.create({"service.name": "otelbridge-demo"}), shutdown_on_exit=False
        )
        provider.add_span_processor(SimpleSpanProcessor(OTLPSpanExporter(collector.endpoint)))
        # The OpenTracing example joins the native spans through the bridge, when present.
        example = load_example()
        install(tracer_provider=provider, patch_jaeger=False)
        try:
            statuses = run_native_workload(provider, example and reserve_with(example))
        finally:
            uninstall()
        provider.shutdown()
        spans = collector.collector.span_records()
    print(
        f"otelbridge demo: {len(statuses)} requests ({', '.join(map(str, statuses))}), "
        f"{len(spans)} spans traced by otelbridge.sdk, received over OTLP/gRPC at "
        f"{collector.endpoint}\n"
    )
    print(render_span_tree(spans, show_events=not args.no_events))
    return 0
