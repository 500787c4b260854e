"""pyramid_opentracing's tween, set up by ``config.include`` with ``ot.*`` settings: migrated, the
settings go and ``PyramidInstrumentor().instrument_config(config)`` traces the same requests, in a
real Pyramid application called through WSGI, natively (and, before, under the bridge)."""

from __future__ import annotations

import textwrap
from pathlib import Path

from otelbridge.cli import main
from tests.migration_tool.projects import run_script

APP = """
    import opentracing
    from pyramid.config import Configurator
    from pyramid.response import Response

    tracer = opentracing.global_tracer()


    def hello(request):
        return Response("hello")


    def make_app():
        config = Configurator()
        config.add_route("hello", "/hello")
        config.add_view(hello, route_name="hello")

        # Tween setup
        config.add_settings({"ot.tracer": tracer})
        config.add_settings({"ot.traced_attributes": ["method"], "reload_templates": False})
        config.include("pyramid_opentracing")
        return config.make_wsgi_app()
"""

RUN = """
    import sys

    from webob import Request

    from otelbridge.sdk.trace import TracerProvider
    from otelbridge.sdk.trace.export import SimpleSpanProcessor
    from otelbridge.sdk.trace.export.in_memory_span_exporter import InMemorySpanExporter

    exporter = InMemorySpanExporter()
    provider = TracerProvider()
    provider.add_span_processor(SimpleSpanProcessor(exporter))
    if sys.argv[1] == "bridged":
        from otelbridge.bridge import install

        install(tracer_provider=provider)
    else:
        from opentelemetry import trace

        trace.set_tracer_provider(provider)
    import app

    response = Request.blank("/hello").get_response(app.make_app())
    assert response.text == "hello", response
    (span,) = exporter.get_finished_spans()
    print(span.kind.name, span.attributes.get("http.method"))
"""


def _run(folder: Path, mode: str) -> str:
    return run_script(RUN, mode, cwd=folder).strip()


def test_the_tween_becomes_the_instrumentor_and_traces_the_same_requests(tmp_path: Path) -> None:
    app = tmp_path / "app.py"
    app.write_text(textwrap.dedent(APP).lstrip())
    assert _run(tmp_path, "bridged") == "SERVER GET"
    assert main(["migrate", "--write", "--jobs", "1", str(app)]) == 1
    migrated = app.read_text()
    assert "ot." not in migrated and "pyramid_opentracing" not in migrated.split("TODO")[0]
    assert '    config.add_settings({"reload_templates": False})' in migrated
    assert "    # Tween setup\n    config.add_settings" in migrated  # its comment kept
    assert "PyramidInstrumentor().instrument_config(config)" in migrated
    assert "the tween recorded the request attributes method as tags" in migrated
    assert _run(tmp_path, "native") == "SERVER GET"
