"""One service of a mixed fleet, for tests/bridge/test_mixed_fleet.py.

``python fleet_service.py bridged|migrated|untouched`` serves on a free loopback port (printed as
the first line). ``GET /?hops=PORT,PORT`` continues the caller's trace (or starts one, with baggage
``tenant=acme``), calls the next hop with the rest, and answers a JSON list of
``[service, trace_id, tenant]`` for itself and every hop after it.

- bridged: jaeger-client's ``Config`` under ``otelbridge run`` (the bridge patches it);
- migrated: native OpenTelemetry on otelbridge's SDK, propagating with the global propagator;
- untouched: a real jaeger-client tracer (spans reported into memory).
"""

from __future__ import annotations

import json
import sys
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlsplit

import requests

KIND = sys.argv[1]


def legacy_tracer():
    import jaeger_client
    from jaeger_client.reporter import InMemoryReporter
    from jaeger_client.sampler import ConstSampler

    if KIND == "bridged":
        config = {"sampler": {"type": "const", "param": 1}, "logging": False}
        return jaeger_client.Config(config=config, service_name=KIND).new_tracer()
    return jaeger_client.Tracer(KIND, reporter=InMemoryReporter(), sampler=ConstSampler(True))


def handle_opentracing(tracer, headers, hops):
    from opentracing import Format

    parent = tracer.extract(Format.HTTP_HEADERS, dict(headers))
    with tracer.start_active_span(KIND, child_of=parent) as scope:
        if parent is None:
            scope.span.set_baggage_item("tenant", "acme")
        context = scope.span.context
        unwrap = getattr(context, "unwrap", None)  # the shim's context wraps OpenTelemetry's
        trace_id = context.trace_id if unwrap is None else unwrap().trace_id
        outgoing: dict = {}
        tracer.inject(scope.span.context, Format.HTTP_HEADERS, outgoing)
        mine = [KIND, trace_id, scope.span.get_baggage_item("tenant")]
        return [mine, *call(hops, outgoing)]


def handle_native(headers, hops):
    from opentelemetry import baggage, context, propagate, trace

    parent = propagate.extract({name.lower(): value for name, value in headers})
    if not trace.get_current_span(parent).get_span_context().is_valid:
        parent = baggage.set_baggage("tenant", "acme", parent)
    token = context.attach(parent)
    try:
        with trace.get_tracer(KIND).start_as_current_span(KIND) as span:
            outgoing: dict = {}
            propagate.inject(outgoing)
            mine = [KIND, span.get_span_context().trace_id, baggage.get_baggage("tenant")]
            return [mine, *call(hops, outgoing)]
    finally:
        context.detach(token)


def call(hops, headers):
    if not hops:
        return []
    url = f"http://127.0.0.1:{hops[0]}/?hops={','.join(hops[1:])}"
    return requests.get(url, headers=headers, timeout=10).json()


if KIND == "migrated":
    from otelbridge.sdk import configure

    configure(span_exporters=[], metric_exporters=[])
    TRACER = None
else:
    TRACER = legacy_tracer()


class Handler(BaseHTTPRequestHandler):
    def do_GET(self) -> None:
        query = parse_qs(urlsplit(self.path).query)
        hops = [hop for hop in query.get("hops", [""])[0].split(",") if hop]
        if TRACER is None:
            body = handle_native(self.headers.items(), hops)
        else:
            body = handle_opentracing(TRACER, self.headers.items(), hops)
        data = json.dumps(body).encode()
        self.send_response(200)
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def log_message(self, *args: object) -> None:
        pass


server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
print(server.server_address[1], flush=True)
server.serve_forever()
