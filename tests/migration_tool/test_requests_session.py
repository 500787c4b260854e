"""requests_opentracing's ``SessionTracing``, migrated: a plain ``requests.Session`` under
``RequestsInstrumentor`` traces the call and propagates its context to a loopback server."""

from __future__ import annotations

import subprocess
import sys
import textwrap
from pathlib import Path

from otelbridge.cli import main

LEGACY = """
    from requests_opentracing import SessionTracing

    session = SessionTracing()


    def fetch(url):
        return session.get(url).text
"""

RUN = """
    import http.server
    import threading

    from opentelemetry import trace
    from otelbridge.sdk.trace import TracerProvider
    from otelbridge.sdk.trace.export import SimpleSpanProcessor
    from otelbridge.sdk.trace.export.in_memory_span_exporter import InMemorySpanExporter

    exporter = InMemorySpanExporter()
    provider = TracerProvider()
    provider.add_span_processor(SimpleSpanProcessor(exporter))
    trace.set_tracer_provider(provider)
    seen = []


    class Handler(http.server.BaseHTTPRequestHandler):
        def do_GET(self):
            seen.append(self.headers.get("traceparent"))
            self.send_response(200)
            self.end_headers()
            self.wfile.write(b"ok")

        def log_message(self, *args):
            pass


    server = http.server.HTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    import client

    assert client.fetch(f"http://127.0.0.1:{server.server_port}/") == "ok"
    server.shutdown()
    (span,) = exporter.get_finished_spans()
    assert (span.name, span.kind) == ("GET", trace.SpanKind.CLIENT), span
    trace_id = format(span.context.trace_id, "032x")
    assert seen[0].split("-")[1] == trace_id, seen
"""


def test_a_migrated_session_traces_and_propagates(tmp_path: Path) -> None:
    client = tmp_path / "client.py"
    client.write_text(textwrap.dedent(LEGACY).lstrip())
    assert main(["migrate", "--write", "--jobs", "1", str(client)]) == 1
    migrated = client.read_text()
    assert "requests_opentracing" not in migrated and "session = Session()" in migrated
    result = subprocess.run(
        [sys.executable, "-c", textwrap.dedent(RUN)],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        check=False,
        timeout=60,
    )
    assert result.returncode == 0, result.stdout + result.stderr
