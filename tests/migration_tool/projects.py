"""Code a test writes and migrates: one source, or a small project whose own tests then run
(natively: no bridge in the child process)."""

from __future__ import annotations

import json
import os
import re
import socket
import subprocess
import sys
import textwrap
from pathlib import Path
from typing import Mapping, Optional

from otelbridge.cli import main
from otelbridge.migration_tool.pipeline import migrate_source

#: Runs ``sys.argv[2]``'s ``main()`` bridged (``bridge``) or natively, printing each span's name,
#: kind, status and attributes (sorted by name): a legacy program and its migration compare equal.
SPANS_DRIVER = """
import importlib.util, sys
from opentelemetry import trace
from otelbridge.sdk.trace import TracerProvider
from otelbridge.sdk.trace.export import SimpleSpanProcessor
from otelbridge.sdk.trace.export.in_memory_span_exporter import InMemorySpanExporter

exporter = InMemorySpanExporter()
provider = TracerProvider()
provider.add_span_processor(SimpleSpanProcessor(exporter))
if sys.argv[1] == "bridge":
    from otelbridge.bridge import install
    install(tracer_provider=provider)
else:
    trace.set_tracer_provider(provider)
spec = importlib.util.spec_from_file_location("program", sys.argv[2])
module = importlib.util.module_from_spec(spec)
spec.loader.exec_module(module)
module.main()
for span in sorted(exporter.get_finished_spans(), key=lambda s: s.name):
    print(span.name, span.kind.name, span.status.status_code.name, sorted(span.attributes.items()))
"""

#: A Django site's view module and ``wsgi.py`` (``mysite.urls``, ``mysite.settings``), for the
#: tests of the Django set-ups.
DJANGO_URLS = """
from django.http import HttpResponse
from django.urls import path


def greet(request):
    return HttpResponse("hi")


urlpatterns = [path("greet", greet)]
"""

DJANGO_WSGI = """
import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "mysite.settings")

application = get_wsgi_application()
"""


#: Serves ``mysite.wsgi`` (below ``sys.argv[1]``) on loopback, sends one request with a caller's
#: ``traceparent`` and prints the spans as JSON: a legacy Django site under the bridge, or its
#: migration natively (on the provider its settings' ``configure()`` made, else on one set here).
DJANGO_DRIVER = """
import json, sys, threading
from wsgiref.simple_server import WSGIRequestHandler, make_server

import requests
from opentelemetry import trace
from otelbridge.sdk.trace import TracerProvider
from otelbridge.sdk.trace.export import SimpleSpanProcessor
from otelbridge.sdk.trace.export.in_memory_span_exporter import InMemorySpanExporter

exporter = InMemorySpanExporter()
sys.path.insert(0, sys.argv[1])
if sys.argv[2] == "bridge":
    from otelbridge.bridge import install

    provider = TracerProvider()
    provider.add_span_processor(SimpleSpanProcessor(exporter))
    install(tracer_provider=provider)
from mysite.wsgi import application

if sys.argv[2] == "native":
    provider = trace.get_tracer_provider()
    if not hasattr(provider, "add_span_processor"):  # the settings configure nothing
        provider = TracerProvider()
        trace.set_tracer_provider(provider)
    provider.add_span_processor(SimpleSpanProcessor(exporter))


class Quiet(WSGIRequestHandler):
    def log_message(self, *args):
        pass


server = make_server("127.0.0.1", 0, application, handler_class=Quiet)
threading.Thread(target=server.serve_forever, daemon=True).start()
caller = "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01"
url = f"http://127.0.0.1:{server.server_port}/greet"
answer = requests.get(url, headers={"traceparent": caller})
server.shutdown()
spans = [
    {
        "name": s.name,
        "kind": s.kind.name,
        "trace_id": format(s.context.trace_id, "032x"),
        "span_id": format(s.context.span_id, "016x"),
        "parent": format(s.parent.span_id, "016x") if s.parent else None,
        "error": s.status.status_code.name == "ERROR",
        "attributes": dict(s.attributes),
    }
    for s in exporter.get_finished_spans()
]
print(json.dumps({"status": answer.status_code, "spans": spans}))
"""


def write_project(root: Path, files: Mapping[str, str]) -> None:
    """Write ``files`` (paths relative to ``root``, text dedented) below ``root``."""
    for name, text in files.items():
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        (root / name).write_text(textwrap.dedent(text).lstrip("\n"))


def migrate_project(root: Path, files: Mapping[str, str]) -> dict[str, str]:
    """Write ``files``, run ``otelbridge migrate --write`` on ``root``, return the files' text."""
    write_project(root, files)
    main(["migrate", "--write", "--jobs", "1", str(root)])
    return {name: (root / name).read_text() for name in files}


def pytest_passes(root: Path, passed: int) -> None:
    """The project's ``tests`` folder passes under pytest with ``passed`` tests."""
    run = [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "tests"]
    done = subprocess.run(run, capture_output=True, text=True, cwd=root, timeout=120)
    assert done.returncode == 0 and f"{passed} passed" in done.stdout, done.stdout + done.stderr


def unittest_passes(root: Path) -> str:
    """The project's ``tests`` folder passes under unittest; returns unittest's report."""
    run = [sys.executable, "-m", "unittest", "discover", "-s", "tests", "-t", "."]
    done = subprocess.run(run, capture_output=True, text=True, cwd=root, timeout=120)
    assert done.returncode == 0, done.stderr
    return done.stderr


def migrated_metrics(root: Path, program: str) -> tuple[str, str, str]:
    """``program`` (a module with a ``main()``) migrated below ``root``: its migrated text, and
    the metric streams it records run on OpenCensus itself and, migrated, natively on our SDK
    (as ``opencensus/oc_span_tree.py`` prints them)."""
    from tests.migration_tool.conftest import run_driver

    driver = Path(__file__).resolve().parent / "opencensus" / "oc_span_tree.py"
    write_project(root / "legacy", {"program.py": program})
    migrated = migrate_project(root / "migrated", {"program.py": program})["program.py"]
    streams = []
    for variant, folder in (("opencensus", "legacy"), ("native", "migrated")):
        lines = run_driver(driver, variant, root / folder / "program.py").split("\n")
        streams.append("\n".join(lines[lines.index("==") + 1 :]))
    return migrated, streams[0], streams[1]


def program_spans(tmp_path: Path, variant: str, program: Path) -> str:
    """What :data:`SPANS_DRIVER` prints for ``program`` run as ``variant`` (``bridge`` or
    ``native``), the driver written to ``tmp_path``."""
    from tests.migration_tool.conftest import run_driver

    driver = tmp_path / "driver.py"
    driver.write_text(SPANS_DRIVER)
    return run_driver(driver, variant, program)


def serve_django(root: Path, mode: str) -> dict:
    """:data:`DJANGO_DRIVER` run on the site below ``root`` (``bridge`` or ``native``)."""
    (root / "driver.py").write_text(DJANGO_DRIVER)
    env = {**os.environ, "OTEL_TRACES_EXPORTER": "none", "OTEL_METRICS_EXPORTER": "none"}
    env.pop("DJANGO_SETTINGS_MODULE", None)
    run = [sys.executable, str(root / "driver.py"), str(root), mode]
    done = subprocess.run(run, capture_output=True, text=True, timeout=60, env=env)
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout.splitlines()[-1])


def migrated_source(code: str) -> str:
    """``code`` (dedented) migrated as one file: without error, and a second run changes nothing."""
    result = migrate_source(textwrap.dedent(code).lstrip("\n"))
    assert not result.error
    assert migrate_source(result.code).code == result.code
    return result.code


def free_port() -> int:
    """A loopback port nothing listens on now."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


#: A script's first lines: our SDK as the global provider, recording into ``exporter``.
IN_MEMORY_PROVIDER = """
from opentelemetry import trace
from otelbridge.sdk.trace import TracerProvider
from otelbridge.sdk.trace.export import SimpleSpanProcessor
from otelbridge.sdk.trace.export.in_memory_span_exporter import InMemorySpanExporter

exporter = InMemorySpanExporter()
provider = TracerProvider()
provider.add_span_processor(SimpleSpanProcessor(exporter))
trace.set_tracer_provider(provider)
"""


def run_script(script: str, *args: str, cwd: Optional[Path] = None) -> str:
    """Run ``script`` (dedented) with ``args`` in ``cwd``, no default trace exporter
    (``OTEL_TRACES_EXPORTER=none``): its output, once it exited 0."""
    ran = subprocess.run(
        [sys.executable, "-c", textwrap.dedent(script), *args],
        capture_output=True,
        text=True,
        timeout=60,
        env={**os.environ, "OTEL_TRACES_EXPORTER": "none"},
        cwd=cwd,
    )
    assert ran.returncode == 0, ran.stderr
    return ran.stdout


def prometheus_samples(text: str, *labels: str) -> dict[tuple[Optional[str], ...], float]:
    """The labelled samples of a Prometheus text exposition: (metric name, the values of
    ``labels``, None where absent) -> value."""
    samples = {}
    for line in text.splitlines():
        found = re.match(r"(\w+)\{(.*)\} (\S+)$", line)
        if found:
            given = dict(re.findall(r'(\w+)="([^"]*)"', found.group(2)))
            samples[(found.group(1), *(given.get(label) for label in labels))] = float(
                found.group(3)
            )
    return samples
