"""opencensus-ext-requests and -httplib under the bridge: client spans, injected headers."""

import http.client
import sys

import harness
import requests
from opencensus.trace import config_integration
from opencensus.trace.samplers import AlwaysOnSampler
from opencensus.trace.tracer import Tracer

config_integration.trace_integrations([sys.argv[1]])
server, url = harness.serve()
tracer = Tracer(sampler=AlwaysOnSampler())
with tracer.span("parent"):
    if sys.argv[1] == "requests":
        requests.get(url + "/users", timeout=5)
    else:
        connection = http.client.HTTPConnection("127.0.0.1", server.server_address[1])
        connection.request("GET", "/users", None, {})  # ext-httplib needs body and headers
        connection.getresponse().read()
server.shutdown()
harness.report()
