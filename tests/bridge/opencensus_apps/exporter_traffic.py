"""Run by ``otelbridge run``: opencensus-ext-requests traces ``requests``, which
opentelemetry-exporter-otlp-proto-http uses. Spans are exported synchronously, in the request's
own context, as each ends; the exporter's own POSTs must make no spans (else each export would
trace itself again)."""

import sys

import requests
from opencensus.trace import config_integration
from opencensus.trace.samplers import AlwaysOnSampler
from opencensus.trace.tracer import Tracer
from opentelemetry import trace
from opentelemetry.exporter.otlp.proto.http.trace_exporter import OTLPSpanExporter

from otelbridge.sdk.trace.export import SimpleSpanProcessor

port = int(sys.argv[1])
exporter = OTLPSpanExporter(endpoint=f"http://127.0.0.1:{port}/v1/traces")
trace.get_tracer_provider().add_span_processor(SimpleSpanProcessor(exporter))
config_integration.trace_integrations(["requests"])
tracer = Tracer(sampler=AlwaysOnSampler())
with tracer.span("work"):
    requests.get(f"http://127.0.0.1:{port}/app", timeout=5)  # its client span is exported here
