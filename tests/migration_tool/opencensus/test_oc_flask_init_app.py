# ruff: noqa: E501  (the program fixtures keep their real line lengths)
"""``middleware = FlaskMiddleware(sampler=, exporter=)`` made without the app, given it later by
``middleware.init_app(app)`` in an app factory: the set-up becomes ``configure()`` where the
middleware was made, and each ``init_app(app)`` the instrumentor call with its request hook. The
migrated factory's app runs under Flask's test client with the same sampling and exporter."""

from __future__ import annotations

import textwrap
from pathlib import Path

from otelbridge.migration_tool.pipeline import migrate_source
from tests.migration_tool.projects import migrated_source, run_script

APP = """
import flask
from opencensus.ext.flask.flask_middleware import FlaskMiddleware
from opencensus.trace.print_exporter import PrintExporter
from opencensus.trace.samplers import AlwaysOnSampler

# every request, printed
middleware = FlaskMiddleware(exporter=PrintExporter(), sampler=AlwaysOnSampler())


def create_app():
    app = flask.Flask(__name__)
    middleware.init_app(app=app)

    @app.route("/stock/<item>")
    def stock(item):
        return item

    return app
"""


def test_the_set_up_moves_to_configure_and_init_app_to_the_instrumentor() -> None:
    code = migrated_source(APP)
    assert "opencensus." not in code and "middleware" not in code.replace("Middleware", ""), code
    assert "# every request, printed\n" in code
    assert "\nconfigure(sampler='always_on', span_exporters=[ConsoleSpanExporter()])\n" in code.replace('"', "'")
    assert "    FlaskInstrumentor().instrument_app(app, request_hook=opencensus_flask_span)\n" in code


def test_the_factory_app_is_traced_as_before(tmp_path: Path) -> None:
    (tmp_path / "app.py").write_text(migrated_source(APP))
    printed = run_script(
        """
        import sys
        sys.path.insert(0, sys.argv[1])
        from opentelemetry import trace
        from app import create_app

        assert create_app().test_client().get("/stock/apple").data == b"apple"
        trace.get_tracer_provider().shutdown()
        """,
        str(tmp_path),
    )
    assert '"name": "[GET]http://localhost/stock/apple"' in printed, printed
    assert '"http.path": "/stock/apple"' in printed


def test_another_use_of_the_middleware_keeps_it() -> None:
    result = migrate_source(
        textwrap.dedent(
            """
            import flask
            from opencensus.ext.flask.flask_middleware import FlaskMiddleware

            middleware = FlaskMiddleware()


            def create_app():
                app = flask.Flask(__name__)
                middleware.init_app(app)
                middleware.excludelist_paths = ["health"]
                return app
            """
        ).lstrip()
    )
    assert "middleware.init_app(app)" in result.code and "FlaskInstrumentor" not in result.code
    assert result.remaining and all(site.marked for site in result.remaining)


def test_a_config_the_module_sets_keeps_the_middleware_and_says_why() -> None:
    result = migrate_source(
        textwrap.dedent(
            """
            import flask
            from opencensus.ext.flask.flask_middleware import FlaskMiddleware

            middleware = FlaskMiddleware()


            def create_app():
                app = flask.Flask(__name__)
                app.config['OPENCENSUS'] = {'TRACE': {'SAMPLER': 'opencensus.trace.samplers.AlwaysOnSampler()'}}
                middleware.init_app(app)
                return app
            """
        ).lstrip()
    )
    assert "FlaskInstrumentor" not in result.code
    assert "init_app(app) reads app.config['OPENCENSUS'], which this module sets" in result.code
    assert all(site.marked for site in result.remaining)
