"""Flask-OpenTracing's decorated views (``FlaskTracing(tracer)``, ``@tracing.trace()``,
``tracing.get_span()``) become FlaskInstrumentor on the module's application, or stay whole."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.migration_tool.projects import IN_MEMORY_PROVIDER, migrate_project, run_script


def migrated(root: Path, code: str) -> str:
    """``code`` migrated as the one module of a project (the CLI, as a user runs it)."""
    return migrate_project(root, {"app.py": code})["app.py"]

VIEWS = """
    from flask import Flask
    from flask_opentracing import FlaskTracing
    from jaeger_client import Config

    app = Flask(__name__)
    config = Config(config={"sampler": {"type": "const", "param": 1}}, service_name="web")
    tracer = config.initialize_tracer()
    tracing = FlaskTracing(tracer)


    @app.route("/a")
    @tracing.trace(ATTRIBUTES)
    def a():
        parent = tracing.get_span()
        with tracer.start_span("inner", child_of=parent):
            return "a"
"""


def test_decorated_views_become_the_instrumented_application(tmp_path: Path) -> None:
    code = migrated(tmp_path, VIEWS.replace("ATTRIBUTES", ""))
    assert "flask_opentracing import" not in code and "\n@tracing" not in code
    assert "FlaskInstrumentor().instrument_app(app, request_hook=flask_opentracing_span)" in code
    assert "also the ones no @tracing.trace() decorated" in code  # the note says what changes
    assert "parent = trace.get_current_span()" in code
    assert 'start_span("inner", context=trace.set_span_in_context(parent))' in code


def test_a_decorator_with_traced_attributes_keeps_the_set_up_whole(tmp_path: Path) -> None:
    code = migrated(tmp_path, VIEWS.replace("ATTRIBUTES", '"path"'))
    assert "tracing = FlaskTracing(" in code
    assert '@tracing.trace("path")' in code and "tracing.get_span()" in code
    assert "FlaskInstrumentor()" not in code


def test_another_use_of_the_integration_object_keeps_it(tmp_path: Path) -> None:
    code = migrated(tmp_path, VIEWS.replace("ATTRIBUTES", "") + "\n    print(tracing)\n")
    assert "\n@tracing.trace()\n" in code and "FlaskInstrumentor()" not in code


def test_the_integrations_tracer_becomes_the_modules_tracer(tmp_path: Path) -> None:
    """Flask-OpenTracing's README reads ``tracing.tracer`` in a view; before, that use kept the
    set-up, its decorators and the view on OpenTracing."""
    views = VIEWS.replace("ATTRIBUTES", "").replace(
        '        with tracer.start_span("inner", child_of=parent):',
        '        parent.set_tag("user", "anon")\n'
        '        with tracing.tracer.start_active_span("inner") as scope:\n'
        '            scope.span.set_tag("step", 1)',
    )
    code = migrated(tmp_path, views)
    assert "tracing.tracer" not in code and "tracing = " not in code
    assert 'with trace.get_tracer(__name__).start_as_current_span("inner") as' in code
    script = IN_MEMORY_PROVIDER + """
from app import app
assert app.test_client().get("/a").status_code == 200
for span in sorted(exporter.get_finished_spans(), key=lambda s: s.name):
    print(span.name, span.kind.name, span.parent is not None, sorted(span.attributes.items()))
"""
    printed = run_script(script, cwd=tmp_path).splitlines()
    assert printed[0].startswith("a SERVER False ") and "('user', 'anon')" in printed[0], printed
    assert printed[1] == "inner INTERNAL True [('step', 1)]", printed


def test_without_one_application_the_set_up_stays(tmp_path: Path) -> None:
    code = migrated(
        tmp_path,
        VIEWS.replace("ATTRIBUTES", "").replace("app = Flask(__name__)", "app = make_app()")
    )
    assert "\n@tracing.trace()\n" in code and "FlaskInstrumentor()" not in code


@pytest.mark.parametrize("factory", ["initialize_tracer", "lambda: initialize_tracer()"])
def test_a_tracer_factory_given_to_the_integration_is_still_called(
    tmp_path: Path, factory: str
) -> None:
    code = migrated(
        tmp_path,
        """
        from flask import Flask
        from flask_opentracing import FlaskTracer
        from jaeger_client import Config

        app = Flask(__name__)


        def initialize_tracer():
            config = Config(config={"sampler": {"type": "const", "param": 1}}, service_name="s")
            return config.initialize_tracer()


        FlaskTracer(FACTORY, True, app)
        """.replace("FACTORY", factory),
    )
    assert "jaeger_client" not in code and "FlaskTracer" not in code
    assert "configure(" in code  # the set-up it made, now OpenTelemetry's
    assert (
        "initialize_tracer()\n"
        "FlaskInstrumentor().instrument_app(app, request_hook=flask_opentracing_span)\n"
    ) in code


def test_a_vendors_tracer_keeps_the_set_up_and_says_why(tmp_path: Path) -> None:
    """FlaskInstrumentor records through the global provider: a tracer the migration does not
    convert (a vendor's) would leave the request spans to an unconfigured one."""
    code = migrated(
        tmp_path,
        """
        import lightstep
        from flask import Flask
        from flask_opentracing import FlaskTracing

        app = Flask(__name__)
        tracer = lightstep.Tracer(component_name="web", access_token="t")
        tracing = FlaskTracing(tracer, True, app)
        """,
    )
    assert "tracing = FlaskTracing(tracer, True, app)" in code
    assert "the tracer given is not one the migration converts (a vendor's tracer?)" in code


def test_decorators_of_an_all_requests_set_up_pass_through_and_go(tmp_path: Path) -> None:
    """With ``trace_all_requests=True`` Flask-OpenTracing's decorator only calls the view (its
    attributes unused): the set-up converts as any all-requests one, the decorators go."""
    code = migrated(
        tmp_path,
        VIEWS.replace("FlaskTracing(tracer)", "FlaskTracing(tracer, True, app)").replace(
            "ATTRIBUTES", '"path"'
        ),
    )
    assert "from flask_opentracing" not in code and "\n@tracing" not in code
    assert "FlaskInstrumentor().instrument_app(app, request_hook=flask_opentracing_span)" in code
    assert "also the ones no @tracing.trace() decorated" not in code  # it traced them before
    assert "parent = trace.get_current_span()" in code


@pytest.mark.parametrize(
    "setup",
    ["FlaskTracing(tracer, False, app)", "FlaskTracing(tracer, app=app, trace_all_requests=False)"],
)
def test_decorated_views_of_the_application_given_become_the_instrumented_application(
    tmp_path: Path, setup: str
) -> None:
    """``FlaskTracing(tracer, False, app)`` (a course's shape: decorated views only, to leave
    ``/metrics`` untraced) traces what ``FlaskTracing(tracer)`` does: the same conversion."""
    views = VIEWS.replace("FlaskTracing(tracer)", setup).replace("ATTRIBUTES", "")
    code = migrated(tmp_path, views)
    assert "flask_opentracing import" not in code and "\n@tracing" not in code
    assert "FlaskInstrumentor().instrument_app(app, request_hook=flask_opentracing_span)" in code
    assert "also the ones no @tracing.trace() decorated" in code


def test_the_application_given_traces_every_request_by_default(tmp_path: Path) -> None:
    """``FlaskTracing(tracer, app=app)`` traces every request (Flask-OpenTracing's default once
    an application is given): its decorators pass through and go, as with ``True``."""
    views = VIEWS.replace("FlaskTracing(tracer)", "FlaskTracing(tracer, app=app)")
    code = migrated(tmp_path, views.replace("ATTRIBUTES", '"path"'))
    assert "from flask_opentracing" not in code and "\n@tracing" not in code
    assert "FlaskInstrumentor().instrument_app(app, request_hook=flask_opentracing_span)" in code
    assert "also the ones no @tracing.trace() decorated" not in code  # it traced them before


def test_a_tracer_made_in_the_set_up_call_is_still_made(tmp_path: Path) -> None:
    """``FlaskTracing(init_tracer("frontend"), True, app)``: the helper's ``configure()`` set the
    service up; before, the call went with the set-up and the migrated service configured
    nothing (its spans went to no exporter, under no service name)."""
    files = {
        "tracing_setup.py": """
            from jaeger_client import Config


            def init_tracer(service):
                config = Config(config={"logging": True}, service_name=service)
                return config.initialize_tracer()
            """,
        "app.py": """
            from flask import Flask
            from flask_opentracing import FlaskTracing

            from tracing_setup import init_tracer

            app = Flask(__name__)
            tracing = FlaskTracing(init_tracer("frontend"), True, app)


            @app.route("/")
            def index():
                return "hi"
            """,
    }
    code = migrate_project(tmp_path, files)["app.py"]
    assert 'init_tracer("frontend")\nFlaskInstrumentor().instrument_app(app' in code
    script = """
from opentelemetry import trace
from app import app
assert app.test_client().get("/").status_code == 200
print(trace.get_tracer_provider().resource.attributes["service.name"])
"""
    assert run_script(script, cwd=tmp_path).strip() == "frontend"


def test_a_jaeger_config_initialized_in_the_set_up_call_converts(tmp_path: Path) -> None:
    """``FlaskTracing(config.initialize_tracer(), True, app)`` (Flask-OpenTracing's README with
    jaeger's ``Config``): the ``Config`` statement becomes ``configure()`` and the set-up the
    instrumentor; before, the set-up was reported and the whole file stayed on OpenTracing."""
    app = """
        from flask import Flask
        from flask_opentracing import FlaskTracing
        from jaeger_client import Config

        app = Flask(__name__)
        config = Config(
            config={'sampler': {'type': 'const', 'param': 1}},  # every request
            service_name='frontend',
        )
        tracing = FlaskTracing(config.initialize_tracer(), True, app)


        @app.route('/hello')
        def hello():
            tracing.get_span().set_tag('greeted', 'world')
            return 'hi'
        """
    code = migrated(tmp_path, app)
    assert "jaeger_client" not in code and "TODO(otelbridge)" not in code.replace(
        "TODO(otelbridge): pip install", ""
    )
    configured = "# every request\nconfigure(sampler='parentbased_always_on', service_name="
    assert configured + "'frontend'" in code
    assert "\nFlaskInstrumentor().instrument_app(app, request_hook=" in code
    assert "get_tracer(__name__)\n" not in code  # no dead tracer statement is left
    script = """
from opentelemetry import trace
from otelbridge.sdk.trace.export import SimpleSpanProcessor
from otelbridge.sdk.trace.export.in_memory_span_exporter import InMemorySpanExporter
from app import app
provider = trace.get_tracer_provider()
exporter = InMemorySpanExporter()
provider.add_span_processor(SimpleSpanProcessor(exporter))
assert app.test_client().get("/hello").status_code == 200
(span,) = exporter.get_finished_spans()
print(provider.resource.attributes["service.name"], span.name, span.attributes["greeted"])
"""
    assert run_script(script, cwd=tmp_path).strip() == "frontend hello world"
