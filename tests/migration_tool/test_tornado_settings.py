"""tornado_opentracing's application settings (``transforms/tornado_settings.py``): they go with
``init_tracing()`` when TornadoInstrumentor does what they did, and stay, marked, otherwise."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.migration_tool.projects import IN_MEMORY_PROVIDER, migrate_project, run_script

#: tornado_opentracing's README set-up.
WEB = """
import tornado.web
import tornado_opentracing
from jaeger_client import Config

config = Config(config={"sampler": {"type": "const", "param": 1}}, service_name="web")
tracer = config.initialize_tracer()
tornado_opentracing.init_tracing()


class MainHandler(tornado.web.RequestHandler):
    def get(self):
        self.write("hi")


app = tornado.web.Application(
    [(r"/", MainHandler)],
    opentracing_tracing=tornado_opentracing.TornadoTracing(tracer),
    opentracing_trace_all=True,
    opentracing_traced_attributes=["method"],
)
"""


def test_the_settings_go_with_init_tracing(tmp_path: Path) -> None:
    code = migrate_project(tmp_path, {"web.py": WEB})["web.py"]
    assert "opentracing" not in code.replace("tornado_opentracing's settings", "")
    assert "TornadoInstrumentor().instrument()\n" in code
    assert (
        "# TODO(otelbridge): TornadoInstrumentor (init_tracing() above) traces every request and "
        "AsyncHTTPClient call through the global provider: tornado_opentracing's settings went; "
        "the request attributes they recorded as tags (method) are not recorded\n"
        "app = tornado.web.Application(\n"
        '    [(r"/", MainHandler)],\n'
        ")\n"
    ) in code
    assert "tracer = trace.get_tracer(__name__)" in code  # not handed on: converted, not kept
    # natively, on a loopback server: the request span and the AsyncHTTPClient call's, as
    # tornado_opentracing's defaults traced both
    script = IN_MEMORY_PROVIDER + """
import asyncio
import tornado.httpclient
from web import app


async def main():
    server = app.listen(0, address="127.0.0.1")
    port = next(iter(server._sockets.values())).getsockname()[1]
    answer = await tornado.httpclient.AsyncHTTPClient().fetch(f"http://127.0.0.1:{port}/")
    server.stop()
    assert answer.body == b"hi"


asyncio.run(main())
for span in sorted(exporter.get_finished_spans(), key=lambda s: s.kind.name):
    print(span.kind.name, span.attributes.get("http.method"), span.status.status_code.name)
"""
    assert run_script(script, cwd=tmp_path).splitlines() == ["CLIENT GET UNSET", "SERVER GET UNSET"]


@pytest.mark.parametrize(
    "change",
    [
        ("opentracing_trace_all=True", "opentracing_trace_all=False"),
        ("opentracing_trace_all=True", "opentracing_start_span_cb=print"),
        ("tornado_opentracing.init_tracing()\n", ""),
    ],
)
def test_settings_the_instrumentor_cannot_match_stay(
    tmp_path: Path, change: tuple[str, str]
) -> None:
    code = migrate_project(tmp_path, {"web.py": WEB.replace(*change)})["web.py"]
    assert "opentracing_tracing=tornado_opentracing.TornadoTracing(" in code
    assert "tornado_opentracing's settings went" not in code
