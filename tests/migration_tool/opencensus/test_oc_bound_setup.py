"""Set-up values bound to names first (``exporter = StackdriverExporter(...)``, ``sampler =
samplers.ProbabilitySampler(rate=1)``, ``INTEGRATIONS = ["pymysql"]``), the shape of public
Cloud Run / App Engine samples: a value read only by the set-up moves into ``configure()`` and its
binding goes; one read elsewhere keeps the set-up on OpenCensus, marked."""

from __future__ import annotations

from tests.migration_tool.projects import migrated_source

APP = """
    from flask import Flask
    from opencensus.ext.flask.flask_middleware import FlaskMiddleware
    from opencensus.ext.stackdriver import trace_exporter as stackdriver_exporter
    from opencensus.trace import config_integration
    from opencensus.trace import samplers

    app = Flask(__name__)

    INTEGRATIONS = ["requests"]

    # Cloud Trace, every request
    exporter = stackdriver_exporter.StackdriverExporter(
        project_id="demo"
    )
    sampler = samplers.ProbabilitySampler(rate=1)
    middleware = FlaskMiddleware(app, exporter=exporter, sampler=sampler)
    config_integration.trace_integrations(INTEGRATIONS)
"""


def test_values_bound_for_the_set_up_move_into_configure() -> None:
    code = migrated_source(APP)
    assert "from opencensus" not in code and "TODO(otelbridge): kept" not in code
    assert "exporter =" not in code and "sampler =" not in code
    assert (
        'configure(sampler="parentbased_traceidratio", sampler_arg=1, '
        "span_exporters=[CloudTraceSpanExporter(\n"
        '    project_id="demo"\n'
        ")])"
    ) in code
    assert "# Cloud Trace, every request\n" in code  # the removed binding's comment stays
    assert "RequestsInstrumentor().instrument()" in code
    assert 'INTEGRATIONS = ["requests"]' in code  # a plain list, read by nothing else now


def test_an_exporter_read_elsewhere_keeps_the_set_up() -> None:
    code = migrated_source(APP + "    print(exporter)\n")
    assert "middleware = FlaskMiddleware(app, exporter=exporter, sampler=sampler)" in code
    assert "TODO(otelbridge): kept on OpenCensus" in code


def test_a_changed_integrations_list_is_not_read_as_written() -> None:
    code = migrated_source(APP + '    INTEGRATIONS.append("pymysql")\n')
    assert "config_integration.trace_integrations(INTEGRATIONS)" in code
    assert "RequestsInstrumentor" not in code


def test_a_middleware_given_its_application_by_name_converts() -> None:
    code = migrated_source(
        """
        from flask import Flask
        from opencensus.ext.flask.flask_middleware import FlaskMiddleware
        from opencensus.trace.samplers import AlwaysOnSampler

        app = Flask(__name__)
        FlaskMiddleware(app=app, sampler=AlwaysOnSampler())
        """
    )
    assert "from opencensus" not in code
    assert 'configure(sampler="always_on")' in code
    assert "FlaskInstrumentor().instrument_app(app, request_hook=opencensus_flask_span)" in code
