# ruff: noqa: E501  (the program fixtures keep their real line lengths)
"""A middleware set up in a function of the application that is given the exporter and returns
the middleware (Google Cloud's OpenCensus Flask sample: ``createMiddleWare(StackdriverExporter())``
under ``__main__``). The exporter moves from the one call into the function's ``configure()``,
the parameter and the argument go, and the ``return``, whose value every call drops, goes with
the middleware. Before, the whole module stayed on OpenCensus."""

from __future__ import annotations

from pathlib import Path

from tests.migration_tool.projects import migrate_project, run_script

APP = """
    from flask import Flask
    from opencensus.ext.flask.flask_middleware import FlaskMiddleware
    from opencensus.ext.zipkin.trace_exporter import ZipkinExporter
    from opencensus.trace.samplers import AlwaysOnSampler

    app = Flask(__name__)


    def createMiddleWare(exporter):
        # traces every request
        middleware = FlaskMiddleware(
            app,
            exporter=exporter,
            sampler=AlwaysOnSampler())
        return middleware


    @app.route('/')
    def index():
        return 'hi'


    if __name__ == '__main__':
        createMiddleWare(ZipkinExporter())
        app.run(port=8080)
    """

RUN = """
from opentelemetry import trace
from otelbridge.sdk.trace.export.in_memory_span_exporter import InMemorySpanExporter
import app

made = []


class Captured(InMemorySpanExporter):  # stands in for the Zipkin exporter: nothing is sent
    def __init__(self):
        super().__init__()
        made.append(self)


app.ZipkinExporter = Captured
app.createMiddleWare(*app.ARGUMENTS)
assert app.app.test_client().get('/').status_code == 200
trace.get_tracer_provider().force_flush()
print([(s.name, s.kind.name) for s in made[0].get_finished_spans()])
"""


def test_the_exporter_given_to_the_set_up_function_moves_into_its_configure(
    tmp_path: Path,
) -> None:
    code = migrate_project(tmp_path, {"app.py": APP})["app.py"]
    assert "from opencensus" not in code and "return middleware" not in code
    assert "def createMiddleWare():\n" in code
    assert "\n    configure(sampler='always_on', span_exporters=[ZipkinExporter()])\n" in code
    assert "\n    FlaskInstrumentor().instrument_app(app, request_hook=" in code
    assert "    createMiddleWare()\n" in code
    (tmp_path / "app.py").write_text(code + "\nARGUMENTS = ()\n")
    printed = run_script(RUN, cwd=tmp_path).strip()
    assert printed == "[('[GET]http://localhost/', 'SERVER')]"


def test_a_set_up_function_whose_middleware_is_read_or_called_twice_stays(
    tmp_path: Path,
) -> None:
    read = APP.replace(
        "createMiddleWare(ZipkinExporter())", "print(createMiddleWare(ZipkinExporter()))"
    )
    code = migrate_project(tmp_path / "read", {"app.py": read})["app.py"]
    assert "FlaskMiddleware(" in code and "TODO(otelbridge)" in code
    twice = APP.replace(
        "createMiddleWare(ZipkinExporter())",
        "createMiddleWare(ZipkinExporter())\n        createMiddleWare(ZipkinExporter())",
    )
    code = migrate_project(tmp_path / "twice", {"app.py": twice})["app.py"]
    # two calls give the exporter: it cannot move into configure(), so the set-up stays
    assert "def createMiddleWare(exporter):" in code and "    return middleware\n" in code
    assert "FlaskMiddleware(" in code and "TODO(otelbridge)" in code


#: Google Cloud's OpenCensus Flask sample, whole (the Zipkin exporter for Stackdriver's, whose
#: OpenTelemetry package is not installed here): the trace goes on by hand in a header
SAMPLE = """
    from flask import Flask
    from opencensus.ext.flask.flask_middleware import FlaskMiddleware
    from opencensus.ext.zipkin.trace_exporter import ZipkinExporter
    from opencensus.trace import execution_context
    from opencensus.trace.propagation import google_cloud_format
    from opencensus.trace.samplers import AlwaysOnSampler
    import requests

    app = Flask(__name__)
    propagator = google_cloud_format.GoogleCloudFormatPropagator()


    def createMiddleWare(exporter):
        middleware = FlaskMiddleware(
            app,
            exporter=exporter,
            propagator=propagator,
            sampler=AlwaysOnSampler())
        return middleware


    @app.route('/')
    def template_test():
        url = app.config['endpoint']
        trace_context_header = propagator.to_header(execution_context.get_opencensus_tracer().span_context)
        response = requests.get(url, headers={'X-Cloud-Trace-Context': trace_context_header})
        return response.text + app.config['keyword']


    if __name__ == "__main__":
        createMiddleWare(ZipkinExporter())
        app.run(port=8080)
    """

HOP = RUN.replace(
    "app.createMiddleWare(*app.ARGUMENTS)\n",
    '''app.createMiddleWare()
import http.server, threading
heard = []


class Callee(http.server.BaseHTTPRequestHandler):
    def do_GET(self):
        heard.append(self.headers["X-Cloud-Trace-Context"])
        self.send_response(200)
        self.end_headers()
        self.wfile.write(b"Hello")

    def log_message(self, *args):
        pass


server = http.server.HTTPServer(("127.0.0.1", 0), Callee)
threading.Thread(target=server.serve_forever, daemon=True).start()
app.app.config.update(endpoint=f"http://127.0.0.1:{server.server_port}/", keyword=", world")
''',
).replace(
    "print([(s.name, s.kind.name) for s in made[0].get_finished_spans()])",
    '''server.shutdown()
(span,) = made[0].get_finished_spans()
context = span.get_span_context()
print(heard == [f"{context.trace_id:032x}/{context.span_id};o=1"], span.name)''',
).replace(
    "assert app.app.test_client().get('/').status_code == 200",
    "assert app.app.test_client().get('/').data == b'Hello, world'",
)


def test_google_cloud_s_sample_passes_its_request_span_on_in_the_header(tmp_path: Path) -> None:
    """``propagator.to_header(execution_context.get_opencensus_tracer().span_context)``: the
    header value of the current span, now read from a carrier our Google Cloud propagator
    filled; the callee hears the request span's trace and span id, as under OpenCensus."""
    code = migrate_project(tmp_path, {"app.py": SAMPLE})["app.py"]
    assert "opencensus" not in code.replace("opencensus_flask_span", "")
    assert "TODO(otelbridge)" not in code.replace("TODO(otelbridge): pip install", "")
    assert (
        "    trace_context_header_carrier = {}\n"
        "    CloudTraceFormatPropagator().inject(trace_context_header_carrier)\n"
        '    trace_context_header = trace_context_header_carrier.get("x-cloud-trace-context", "")\n'
    ) in code
    assert "propagators='xcloudtrace'" in code and "propagator =" not in code
    (tmp_path / "app.py").write_text(code)
    assert run_script(HOP, cwd=tmp_path).strip() == "True [GET]http://localhost/"
