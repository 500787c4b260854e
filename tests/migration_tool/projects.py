"""Code a test writes and migrates: one source, or a small project whose own tests then run
(natively: no bridge in the child process)."""

from __future__ import annotations

import subprocess
import sys
import textwrap
from pathlib import Path
from typing import Mapping

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


def migrated_source(code: str) -> str:
    """``code`` (dedented) migrated as one file: without error, and a second run changes nothing."""
    result = migrate_source(textwrap.dedent(code).lstrip("\n"))
    assert not result.error
    assert migrate_source(result.code).code == result.code
    return result.code
