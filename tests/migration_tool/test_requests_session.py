"""requests_opentracing's ``SessionTracing``, migrated: a plain ``requests.Session`` under
``RequestsInstrumentor`` traces the call and propagates its context to a loopback server."""

from __future__ import annotations

import textwrap
from pathlib import Path

from otelbridge.cli import main
from tests.migration_tool.projects import IN_MEMORY_PROVIDER, run_script

LEGACY = """
    from requests_opentracing import SessionTracing

    session = SessionTracing()


    def fetch(url):
        return session.get(url).text
"""

RUN = """
    import http.server
    import threading

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
    run_script(IN_MEMORY_PROVIDER + textwrap.dedent(RUN), cwd=tmp_path)
