"""opencensus-ext-django's set-up in ``settings.py`` (``opencensus/django_settings.py``) and the
pre-pass that starts OpenTelemetry's Django instrumentation where the process starts
(``opencensus/django_entry.py``): the rewrites, what stays marked, and a real Django server on
loopback whose request span, migrated and run natively, is the bridged original's."""

from __future__ import annotations

import ast
import textwrap
from pathlib import Path

import pytest
from opentelemetry.util.http import parse_excluded_urls

from otelbridge.cli import main
from otelbridge.migration_tool.pipeline import migrate_source
from tests.migration_tool.projects import (
    DJANGO_URLS,
    DJANGO_WSGI,
    migrate_project,
    migrated_source,
    serve_django,
    write_project,
)

SETTINGS = '''
import os

SECRET_KEY = "test"
DEBUG = False
ALLOWED_HOSTS = ["127.0.0.1"]
ROOT_URLCONF = "mysite.urls"
INSTALLED_APPS = [
    "opencensus.ext.django",
]

MIDDLEWARE = [
    "django.middleware.common.CommonMiddleware",
    "opencensus.ext.django.middleware.OpencensusMiddleware",
]

# Tracing: every request, to the default exporter.
OPENCENSUS = {
    "TRACE": {
        "SAMPLER": "opencensus.trace.samplers.AlwaysOnSampler()",
    }
}
'''

MANAGE = """
import os
import sys
import textwrap


def main():
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "mysite.settings")
    from django.core.management import execute_from_command_line

    execute_from_command_line(sys.argv)


if __name__ == "__main__":
    main()
"""

PROJECT = {
    "mysite/__init__.py": "",
    "mysite/settings.py": SETTINGS,
    "mysite/urls.py": DJANGO_URLS,
    "mysite/wsgi.py": DJANGO_WSGI,
    "manage.py": MANAGE,
}


def test_settings_lose_the_middleware_and_make_the_sdk_set_up() -> None:
    code = migrated_source(
        SETTINGS.replace(
            '"SAMPLER": "opencensus.trace.samplers.AlwaysOnSampler()",',
            """"SAMPLER": 'opencensus.trace.samplers.ProbabilitySampler(rate=0.5)',
        "EXPORTER": '''opencensus.ext.azure.trace_exporter.AzureExporter(
            connection_string="InstrumentationKey=00000000-0000-0000-0000-000000000000"
        )''',""",
        )
    )
    assert "opencensus" not in code
    assert 'MIDDLEWARE = [\n    "django.middleware.common.CommonMiddleware",\n]\n' in code
    assert "INSTALLED_APPS = []\n" in code
    assert (
        "# Tracing: every request, to the default exporter.\n"
        "# TODO(otelbridge): pip install opentelemetry-instrumentation-django\n"
    ) in code
    assert code.rstrip().endswith(
        "configure(sampler=\"parentbased_traceidratio\", sampler_arg=0.5, span_exporters=["
        'AzureMonitorTraceExporter(connection_string="InstrumentationKey='
        '00000000-0000-0000-0000-000000000000")])'
    )
    assert "from azure.monitor.opentelemetry.exporter import AzureMonitorTraceExporter\n" in code
    # migrated alone, nothing says where the process starts: the note asks for the call
    assert "call DjangoInstrumentor().instrument()" in code


def test_a_conditional_addition_goes_and_opencensus_defaults_are_written_out() -> None:
    code = migrated_source(
        """
        import os

        MIDDLEWARE = ["django.middleware.common.CommonMiddleware"]

        if os.environ.get("TRACING"):
            # request tracing
            MIDDLEWARE += ["opencensus.ext.django.middleware.OpencensusMiddleware"]
        """
    )
    assert "opencensus" not in code
    assert "MIDDLEWARE +=" not in code
    # OpenCensus' defaults: 1 request in 10 000, printed: the same sampling, OTEL_ exporters
    assert "    # request tracing\n" in code
    assert (
        '    configure(sampler="parentbased_traceidratio", sampler_arg=1e-4)\n' in code
    ), code


@pytest.mark.parametrize(
    ("trace", "reason"),
    [
        ('{"ZIPKIN_PORT": 9411}', "['ZIPKIN_PORT'] has no OpenTelemetry set-up"),
        ('{"EXCLUDELIST_PATHS": PATHS}', "['EXCLUDELIST_PATHS'] is not a literal list of paths"),
        ('{"SAMPLER": SAMPLER}', "['SAMPLER'] is neither a string nor a call"),
        ('{"SAMPLER": "AlwaysOnSampler()"}, "STATS": {}', "has parts other than TRACE"),
        ('{"SAMPLER": "opencensus.trace.samplers.ProbabilitySampler"}', "is not a call"),
        ('{"EXPORTER": "my.exporters.Custom()"}', "no known OpenTelemetry equivalent"),
    ],
)
def test_settings_that_cannot_move_stay_marked_with_the_reason(trace: str, reason: str) -> None:
    source = (
        'SAMPLER = None\nMIDDLEWARE = ["opencensus.ext.django.middleware.OpencensusMiddleware"]\n'
        f'OPENCENSUS = {{"TRACE": {trace}}}\n'
    )
    result = migrate_source(source)
    assert "OpencensusMiddleware" in result.code
    (finding,) = [f for f in result.findings if f.rule == "opencensus-django"]
    assert finding.reason.startswith("Django middleware kept: ") and reason in finding.reason
    assert f"# TODO(otelbridge): Django middleware kept: {finding.reason[24:]}" in result.code


def test_objects_made_with_the_modules_imports_move_too() -> None:
    code = migrated_source(
        """
        MIDDLEWARE = ["django.middleware.common.CommonMiddleware"]
        try:
            from opencensus.ext.azure import trace_exporter
            from opencensus.ext.azure.metrics_exporter import MetricsExporter
            from opencensus.trace.samplers import ProbabilitySampler as Sampler

            KEY = "InstrumentationKey=0"
            MIDDLEWARE.insert(0, "opencensus.ext.django.middleware.OpencensusMiddleware")
            rate = 0.5
            OPENCENSUS = {
                "TRACE": {
                    "SAMPLER": Sampler(rate=rate),
                    "EXPORTER": trace_exporter.AzureExporter(connection_string=KEY),
                },
                "METRICS": {"EXPORTER": MetricsExporter(connection_string=KEY)},
            }
        except ImportError:
            pass
        """
    )
    assert "opencensus" not in code and "MIDDLEWARE.insert" not in code
    assert (
        '    configure(sampler="parentbased_traceidratio", sampler_arg=rate, span_exporters=['
        "AzureMonitorTraceExporter(connection_string=KEY)])\n"
    ) in code
    assert "# TODO(otelbridge): OPENCENSUS['METRICS'] went too: " in code


def test_the_middleware_named_elsewhere_keeps_the_settings() -> None:
    result = migrate_source(
        "MIDDLEWARE = ['opencensus.ext.django.middleware.OpencensusMiddleware']\n"
        "TRACED = 'opencensus.ext.django.middleware.OpencensusMiddleware' in MIDDLEWARE\n"
    )
    assert result.code.count("OpencensusMiddleware") == 2
    assert any("cannot be removed" in f.reason for f in result.findings)


def test_the_start_up_files_start_the_instrumentation(tmp_path: Path) -> None:
    files = {**PROJECT, "tests/conftest.py": DJANGO_WSGI}
    migrated = migrate_project(tmp_path, files)
    for entry, indent in (("mysite/wsgi.py", ""), ("manage.py", "    ")):
        text = migrated[entry]
        assert "from opentelemetry.instrumentation.django import DjangoInstrumentor\n" in text
        assert (
            f'{indent}os.environ.setdefault("DJANGO_SETTINGS_MODULE", "mysite.settings")\n'
            f"{indent}# TODO(otelbridge): pip install opentelemetry-instrumentation-django: it "
            "replaces the tracing middleware of "
        ) in text
        assert f"{indent}DjangoInstrumentor().instrument()\n" in text
    assert migrated["tests/conftest.py"] == files["tests/conftest.py"].lstrip("\n")  # a test's
    settings = migrated["mysite/settings.py"]
    assert (
        "# TODO(otelbridge): DjangoInstrumentor().instrument() is called where the process "
        "starts: ../manage.py, wsgi.py\n"
    ) in settings
    assert 'configure(sampler="always_on")' in settings
    main(["migrate", "--write", "--jobs", "1", str(tmp_path)])
    assert {n: (tmp_path / n).read_text() for n in files} == migrated  # a second run: no-op


def test_the_migrated_server_traces_the_request_as_the_bridged_original(tmp_path: Path) -> None:
    original, migrated = tmp_path / "original", tmp_path / "migrated"
    for root in (original, migrated):
        root.mkdir()
    migrate_project(migrated, PROJECT)
    write_project(original, PROJECT)
    before, after = serve_django(original, "bridge"), serve_django(migrated, "native")
    for run in (before, after):
        assert run["status"] == 200
        (span,) = run["spans"]
        assert span["kind"] == "SERVER" and not span["error"]
        assert span["trace_id"] == "0af7651916cd43dd8448eb211c80319c"  # the caller's trace
        assert span["parent"] == "b7ad6b7169203331"
    assert before["spans"][0]["name"] == "mysite.urls.greet"  # OpenCensus: the view function
    assert after["spans"][0]["name"] == "GET greet"  # OpenTelemetry: method and route
    assert after["spans"][0]["attributes"].get("http.status_code", 200) == 200


def test_a_settings_module_chosen_at_start_up_gets_the_instrumentation(tmp_path: Path) -> None:
    chosen = """
    import os

    from django.core.wsgi import get_wsgi_application

    settings_module = "mysite.production" if "WEBSITE_HOSTNAME" in os.environ else "mysite.dev"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", settings_module)
    application = get_wsgi_application()
    """
    elsewhere = chosen.replace("mysite.", "othersite.")
    files = {
        "mysite/production.py": SETTINGS,
        "mysite/dev.py": "DEBUG = True\n",
        "mysite/wsgi.py": chosen,
        "othersite/wsgi.py": elsewhere,
    }
    migrated = migrate_project(tmp_path, files)
    assert (
        "os.environ.setdefault(\"DJANGO_SETTINGS_MODULE\", settings_module)\n"
        "# TODO(otelbridge): pip install opentelemetry-instrumentation-django: it replaces "
        "the tracing middleware of production.py\n"
        "DjangoInstrumentor().instrument()\n"
    ) in migrated["mysite/wsgi.py"]
    assert migrated["othersite/wsgi.py"] == textwrap.dedent(elsewhere).lstrip("\n")


def test_excluded_paths_become_the_instrumentations_excluded_urls(tmp_path: Path) -> None:
    settings = SETTINGS.replace(
        '"SAMPLER": "opencensus.trace.samplers.AlwaysOnSampler()",',
        '"SAMPLER": "opencensus.trace.samplers.AlwaysOnSampler()",\n'
        '        "EXCLUDELIST_PATHS": ["health", "api/v1-internal"],',
    )
    migrated = migrate_project(tmp_path, {**PROJECT, "mysite/settings.py": settings})
    assert "# TODO(otelbridge): the paths OpenCensus did not trace (health, api/v1-internal)" in (
        migrated["mysite/settings.py"]
    )
    (line,) = [s for s in migrated["mysite/wsgi.py"].splitlines() if "instrument(" in s]
    value = ast.literal_eval(line.split("excluded_urls=", 1)[1][:-1])
    # OpenCensus skipped a path that, without its slash, starts with one of them; so do these
    excluded = parse_excluded_urls(value)
    for url, skipped in (
        ("http://127.0.0.1:8000/health", True),
        ("https://site.example/healthz?probe=1", True),
        ("http://127.0.0.1:8000/api/v1-internal/users", True),
        ("http://127.0.0.1:8000/api/health", False),
        ("http://127.0.0.1:8000/api/v1xinternal", False),
    ):
        assert excluded.url_disabled(url) is skipped, url
