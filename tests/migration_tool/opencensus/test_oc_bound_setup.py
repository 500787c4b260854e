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


CHOSEN = """
    import os

    from opencensus.ext.azure.trace_exporter import AzureExporter
    from opencensus.trace.samplers import AlwaysOnSampler
    from opencensus.trace.tracer import Tracer

    KEY = os.environ.get("APPLICATIONINSIGHTS_CONNECTION_STRING")
    exporter = AzureExporter(connection_string=KEY) if KEY else None


    def handle(request):
        tracer = Tracer(exporter=exporter, sampler=AlwaysOnSampler())
        with tracer.span(name="handle"):
            return request
"""


def test_an_exporter_chosen_by_a_condition_is_chosen_in_configure() -> None:
    """``X(...) if key else None`` (telemetry only where the key is set, the shape of public
    Azure apps): the same choice between ``[X(...)]`` and no exporter, noted (OpenCensus
    printed spans without one)."""
    code = migrated_source(CHOSEN)
    assert "from opencensus" not in code and "exporter =" not in code
    assert (
        'configure(sampler="always_on", span_exporters=[AzureMonitorTraceExporter('
        "connection_string=KEY)] if KEY else [])"
    ) in code
    assert "OpenCensus printed spans when `KEY` was false (the exporter None)" in code
    compile(code, "app.py", "exec")


def test_a_chosen_exporter_the_other_way_round_in_a_middleware() -> None:
    code = migrated_source(
        """
        import os

        from flask import Flask
        from opencensus.ext.azure.trace_exporter import AzureExporter
        from opencensus.ext.flask.flask_middleware import FlaskMiddleware

        KEY = os.environ.get("KEY")
        app = Flask(__name__)
        FlaskMiddleware(app, exporter=None if not KEY else AzureExporter(connection_string=KEY))
        """
    )
    assert (
        "span_exporters=[] if not KEY else [AzureMonitorTraceExporter(connection_string=KEY)])"
    ) in code
    assert "when `not KEY` was true (the exporter None)" in code
    assert "FlaskInstrumentor().instrument_app(app" in code


def test_a_choice_between_two_exporters_keeps_the_set_up() -> None:
    """Only a choice between one exporter and None is mapped: the exporter stays, marked, and
    the note says the set-up is to be moved by hand."""
    code = migrated_source(
        CHOSEN.replace("if KEY else None", "if KEY else AzureExporter(connection_string='')")
    )
    assert "\nconfigure(" not in code
    assert "Tracer() took its set-up from values set elsewhere (exporter=exporter)" in code
    assert "AzureExporter has no automatic OpenTelemetry mapping" in code
