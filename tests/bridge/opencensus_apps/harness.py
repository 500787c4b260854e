"""Shared by the OpenCensus integration apps: a bridged process recording into memory, a
loopback HTTP server that notes the headers it got, and the JSON report read by the tests."""

from __future__ import annotations

import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from otelbridge.bridge import install
from otelbridge.sdk.trace import TracerProvider
from otelbridge.sdk.trace.export import SimpleSpanProcessor
from otelbridge.sdk.trace.export.in_memory_span_exporter import InMemorySpanExporter

exporter = InMemorySpanExporter()
provider = TracerProvider(shutdown_on_exit=False)
provider.add_span_processor(SimpleSpanProcessor(exporter))
install(tracer_provider=provider)

received: list = []


class _Handler(BaseHTTPRequestHandler):
    def do_GET(self) -> None:
        received.append({k.lower(): v for k, v in self.headers.items()})
        self.send_response(200)
        self.send_header("Content-Length", "2")
        self.end_headers()
        self.wfile.write(b"ok")

    def log_message(self, *args: object) -> None:
        pass


def serve() -> tuple[ThreadingHTTPServer, str]:
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server, f"http://127.0.0.1:{server.server_address[1]}"


def report(**extra: object) -> None:
    spans = [
        {
            "name": s.name,
            "kind": s.kind.name,
            "trace": f"{s.context.trace_id:032x}",
            "span": f"{s.context.span_id:016x}",
            "parent": None if s.parent is None else f"{s.parent.span_id:016x}",
            "remote_parent": bool(s.parent and s.parent.is_remote),
            "attributes": dict(s.attributes),
            "status": s.status.status_code.name,
            "events": [e.name for e in s.events],
        }
        for s in exporter.get_finished_spans()
    ]
    print(json.dumps({"spans": spans, "received": received, **extra}))
