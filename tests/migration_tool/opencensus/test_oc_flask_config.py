# ruff: noqa: E501  (the program fixtures keep their real line lengths)
"""``app.config['OPENCENSUS']``, the set-up ``FlaskMiddleware(app)`` reads (the way Azure's and
opencensus-ext-flask's docs set it up): its sampler, exporter and excluded paths move into
``configure()`` and ``instrument_app(excluded_urls=)``; a config the codemod cannot read whole
keeps the middleware on OpenCensus with the reason. The migrated app runs under Flask's test
client with the same sampling, exporter and excluded path."""

from __future__ import annotations

import textwrap
from pathlib import Path

from otelbridge.migration_tool.pipeline import migrate_source
from tests.migration_tool.projects import migrated_source, run_script

APP = '''
import flask
from opencensus.ext.flask.flask_middleware import FlaskMiddleware

app = flask.Flask(__name__)
# tracing: every request, printed
app.config['OPENCENSUS'] = {
    'TRACE': {
        'SAMPLER': 'opencensus.trace.samplers.AlwaysOnSampler()',
        'EXPORTER': """opencensus.trace.print_exporter.PrintExporter(
        )""",
        'EXCLUDELIST_PATHS': ['health'],
    }
}
middleware = FlaskMiddleware(app)


@app.route('/')
def index():
    return 'ok'


@app.route('/health')
def health():
    return 'up'
'''


def test_the_config_moves_into_configure_and_the_excluded_urls() -> None:
    code = migrated_source(APP)
    assert "config['OPENCENSUS'] =" not in code and "opencensus." not in code, code
    assert "# tracing: every request, printed\n" in code  # the config's comment stays
    assert (
        "configure(sampler='always_on', span_exporters=[ConsoleSpanExporter()])" in code
    ), code
    assert (
        "FlaskInstrumentor().instrument_app(app, request_hook=opencensus_flask_span, "
        "excluded_urls='^https?://[^/]+/health')"
    ) in code, code
    assert "are not read any more" not in code


def test_the_migrated_app_samples_exports_and_excludes_as_configured(tmp_path: Path) -> None:
    (tmp_path / "app.py").write_text(migrated_source(APP))
    printed = run_script(
        """
        import sys
        sys.path.insert(0, sys.argv[1])
        from opentelemetry import trace
        from app import app

        client = app.test_client()
        assert client.get("/").status_code == 200
        assert client.get("/health").status_code == 200
        assert client.get("/health/deep").status_code == 404
        trace.get_tracer_provider().shutdown()
        """,
        str(tmp_path),
    )
    assert '"name": "[GET]http://localhost/"' in printed, printed
    assert "health" not in printed  # OpenCensus skipped paths starting with "health" too
    assert '"http.path": "/"' in printed


def _kept_reason(code: str) -> str:
    result = migrate_source(textwrap.dedent(code).lstrip("\n"))
    assert not result.error
    assert "FlaskMiddleware(app" in result.code and "FlaskInstrumentor" not in result.code
    assert "import configure" not in result.code
    assert all(site.marked for site in result.remaining)
    lines = result.code.splitlines()
    middleware = next(i for i, line in enumerate(lines) if line.startswith("FlaskMiddleware("))
    assert "TODO(otelbridge): kept on OpenCensus" in lines[middleware - 1]
    return lines[middleware - 1]


def test_a_config_read_elsewhere_keeps_the_middleware_and_says_why() -> None:
    reason = _kept_reason(
        """
        import flask
        from opencensus.ext.flask.flask_middleware import FlaskMiddleware

        app = flask.Flask(__name__)
        app.config['OPENCENSUS'] = {'TRACE': {'SAMPLER': 'opencensus.trace.samplers.AlwaysOnSampler()'}}
        app.config['OPENCENSUS']['TRACE']['EXPORTER'] = 'opencensus.trace.print_exporter.PrintExporter()'
        FlaskMiddleware(app)
        """
    )
    assert "app.config['OPENCENSUS'] is set or read other than by one literal assignment" in reason


def test_a_config_set_below_the_middleware_keeps_it() -> None:
    reason = _kept_reason(
        """
        import flask
        from opencensus.ext.flask.flask_middleware import FlaskMiddleware

        app = flask.Flask(__name__)
        FlaskMiddleware(app)
        app.config['OPENCENSUS'] = {'TRACE': {'SAMPLER': 'opencensus.trace.samplers.AlwaysOnSampler()'}}
        """
    )
    assert "above the middleware" in reason


def test_a_config_part_without_a_set_up_equivalent_keeps_the_middleware() -> None:
    reason = _kept_reason(
        """
        import flask
        from opencensus.ext.flask.flask_middleware import FlaskMiddleware

        app = flask.Flask(__name__)
        app.config['OPENCENSUS'] = {'TRACE': {'EXCLUDELIST_HOSTNAMES': ['localhost']}}
        FlaskMiddleware(app)
        """
    )
    assert "['EXCLUDELIST_HOSTNAMES'] has no OpenTelemetry set-up here" in reason


def test_arguments_and_a_config_together_keep_the_middleware() -> None:
    reason = _kept_reason(
        """
        import flask
        from opencensus.ext.flask.flask_middleware import FlaskMiddleware
        from opencensus.trace.samplers import AlwaysOnSampler

        app = flask.Flask(__name__)
        app.config['OPENCENSUS'] = {'TRACE': {'EXPORTER': 'opencensus.trace.print_exporter.PrintExporter()'}}
        FlaskMiddleware(app, sampler=AlwaysOnSampler())
        """
    )
    assert "given set-up arguments and app.config['OPENCENSUS'] both" in reason


def test_an_app_factory_config_moves_with_its_middleware() -> None:
    code = migrated_source(
        """
        import flask
        from opencensus.ext.flask.flask_middleware import FlaskMiddleware


        def create_app():
            app = flask.Flask(__name__)
            app.config['OPENCENSUS'] = {
                'TRACE': {'SAMPLER': 'opencensus.trace.samplers.ProbabilitySampler(rate=0.5)'},
            }
            FlaskMiddleware(app)
            return app
        """
    )
    assert "config['OPENCENSUS'] =" not in code and "opencensus." not in code, code
    assert "configure(sampler='parentbased_traceidratio', sampler_arg=0.5)" in code, code
    assert "FlaskInstrumentor().instrument_app(app, request_hook=opencensus_flask_span)" in code
