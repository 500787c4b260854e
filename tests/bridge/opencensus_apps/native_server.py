"""The native peer of the mixed-mode test: an OpenTelemetry-only HTTP server (no bridge) that
continues the caller's trace. Prints its port, serves until terminated."""

import signal
import sys
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from opentelemetry import propagate, trace
from opentelemetry.trace import SpanKind

from otelbridge.sdk import configure

providers = configure()
tracer = trace.get_tracer("peer.native")


class Handler(BaseHTTPRequestHandler):
    def do_GET(self) -> None:
        parent = propagate.extract(dict(self.headers.items()))
        with tracer.start_as_current_span("native-server", parent, kind=SpanKind.SERVER):
            self.send_response(204)  # No Content
            self.end_headers()

    def log_message(self, *args: object) -> None:
        pass


def stop(*_: object) -> None:
    providers.shutdown()  # flush to the receiver
    sys.exit(0)


signal.signal(signal.SIGTERM, stop)
server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
print(server.server_address[1], flush=True)
server.serve_forever()
