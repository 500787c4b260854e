# ruff: noqa: E501  (the expected code keeps the codemod's one-line TODO markers)
"""Flask set-ups migrate to FlaskInstrumentor with a request hook keeping the legacy span names.

Flask-OpenTracing's ``FlaskTracing``/``FlaskTracer`` and OpenCensus' ``FlaskMiddleware`` named the
request's span otherwise than FlaskInstrumentor does; the hook written beside the instrumentor call
renames it and sets the legacy tags (behaviour: ``test_equivalence.py``'s ``flask_integration`` and
the demo's step 3). ``--semconv stable`` asks for the new names: no hook then.
"""

from __future__ import annotations

import textwrap

import pytest

from otelbridge.migration_tool.pipeline import migrate_source
from tests.migration_tool.expected_code import FLASK_OPENTRACING_HOOK

FLASK_OPENTRACING = """\
from flask import Flask
from flask_opentracing import FlaskTracer
from jaeger_client import Config

tracer = Config(config={}, service_name="web").initialize_tracer()


def create_app():
    app = Flask("web")
    # every request
    FlaskTracer(tracer, True, app)
    return app
"""
MIGRATED_FLASK_OPENTRACING = (
    """\
from flask import request, Flask
from opentelemetry import trace
from opentelemetry.instrumentation.flask import FlaskInstrumentor
from otelbridge.sdk import configure

configure(service_name="web", propagators="tracecontext,baggage,jaeger")
tracer = trace.get_tracer(__name__)


def create_app():
    app = Flask("web")

"""
    + textwrap.indent(FLASK_OPENTRACING_HOOK, "    ")
    + """
    # every request
    # TODO(otelbridge): pip install opentelemetry-instrumentation-flask (FlaskInstrumentor replaces the OpenTracing integration)
    FlaskInstrumentor().instrument_app(app, request_hook=flask_opentracing_span)
    return app
"""
)
OPENCENSUS = """\
from flask import Flask
from opencensus.ext.flask.flask_middleware import FlaskMiddleware

opencensus_flask_span = "taken"
app = Flask("web")
FlaskMiddleware(app)
"""


def test_flask_opentracing_in_an_app_factory_gets_a_hook_beside_the_instrumentor() -> None:
    code = migrate_source(FLASK_OPENTRACING).code
    assert code == MIGRATED_FLASK_OPENTRACING
    assert "from flask import request, Flask\n" in code
    assert migrate_source(code).code == code


def test_the_opencensus_hook_takes_a_free_name() -> None:
    code = migrate_source(OPENCENSUS).code
    assert "\n\ndef opencensus_flask_span_1(span: trace.Span, environ: object) -> None:\n" in code
    assert '    span.update_name(f"[{request.method}]{request.url}")\n' in code
    assert "FlaskInstrumentor().instrument_app(app, request_hook=opencensus_flask_span_1)" in code
    assert migrate_source(code).code == code


@pytest.mark.parametrize("source", [FLASK_OPENTRACING, OPENCENSUS])
def test_no_hook_with_the_stable_conventions(source: str) -> None:
    code = migrate_source(source, semconv="stable").code
    assert "FlaskInstrumentor().instrument_app(app)\n" in code
    assert "request_hook" not in code and "def " not in code.replace("def create_app", "")
    assert "import request" not in code


def test_traced_attributes_not_written_out_keep_the_set_up() -> None:
    """``traced_attributes=`` the hook can only keep when they are a literal list of names."""
    source = FLASK_OPENTRACING.replace("FlaskTracer(tracer, True, app)", "FlaskTracer(tracer, True, app, ATTRS)")
    code = migrate_source(source).code
    assert "FlaskTracer(global_tracer(), True, app, ATTRS)" in code  # kept, on the bridge
    assert "traced_attributes= is not a literal list of request attributes" in code
    stable = source.replace("ATTRS", '["path"]')
    kept = migrate_source(stable, semconv="stable").code
    assert "traced_attributes= needs a request_hook, which --semconv stable does not write" in kept
