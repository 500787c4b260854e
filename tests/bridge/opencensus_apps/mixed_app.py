"""The bridged side of the mixed-mode test, run by ``otelbridge run`` without a line of setup:
OpenTracing, OpenCensus and native spans nested, then an OpenCensus requests call to the peer."""

import sys

import opentracing
import requests
from opencensus.trace import config_integration
from opencensus.trace.samplers import AlwaysOnSampler
from opencensus.trace.tracer import Tracer
from opentelemetry import trace

config_integration.trace_integrations(["requests"])
native = trace.get_tracer("app.native")
with opentracing.global_tracer().start_active_span("ot-checkout"):
    oc = Tracer(sampler=AlwaysOnSampler())
    with oc.span("oc-step"), native.start_as_current_span("native-step"):
        requests.get(f"http://127.0.0.1:{sys.argv[1]}/stock", timeout=5)
