"""Shared by the behavioural tests: running a program through ``span_tree.py``."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Callable

import pytest

DRIVER = Path(__file__).resolve().parent / "span_tree.py"


def run_span_tree(variant: str, program: Path) -> str:
    """The span-tree outline of ``program`` run as ``variant`` (see span_tree.py), in a fresh
    process: the OpenTelemetry API allows one global tracer provider per process."""
    return run_driver(DRIVER, variant, program)


def run_driver(driver: Path, variant: str, program: Path) -> str:
    """What ``driver`` prints for ``program`` run as ``variant``, in a fresh process."""
    # a program's own configure() exports nowhere: the driver's provider collects the spans
    quiet = {**os.environ, "OTEL_TRACES_EXPORTER": "none", "OTEL_METRICS_EXPORTER": "none"}
    result = subprocess.run(
        [sys.executable, str(driver), variant, str(program)],
        capture_output=True,
        text=True,
        check=False,
        timeout=60,
        env=quiet,
    )
    assert result.returncode == 0, result.stderr
    return result.stdout.strip()


def migrated_copy(corpus: Path, target: Path) -> Path:
    """``corpus``'s programs copied to ``target`` and rewritten there by
    ``otelbridge migrate --write`` (which reports changes made: exit status 1)."""
    from otelbridge.cli import main

    for program in corpus.glob("*.py"):
        shutil.copy(program, target / program.name)
    assert main(["migrate", "--write", "--jobs", "1", str(target)]) == 1
    return target


def migrated_tree(project: Path, target: Path) -> Path:
    """The project folder ``project`` (packages included) copied to ``target`` and rewritten
    there by ``otelbridge migrate --write`` (exit status 1: changes were made)."""
    from otelbridge.cli import main

    shutil.copytree(project, target)
    assert main(["migrate", "--write", "--jobs", "1", str(target)]) == 1
    return target


@pytest.fixture(scope="module")
def migrated(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The requesting test module's ``PROJECT`` folder migrated as one project, or else its
    ``CORPUS`` folder of programs: migrated once for the whole module."""
    project: Path | None = getattr(request.module, "PROJECT", None)
    if project is not None:
        return migrated_tree(project, tmp_path_factory.mktemp(project.name) / "app")
    corpus: Path = request.module.CORPUS
    return migrated_copy(corpus, tmp_path_factory.mktemp(corpus.name))


@pytest.fixture(scope="session")
def migrate_corpus() -> Callable[[Path, Path], Path]:
    return migrated_copy


@pytest.fixture
def span_tree() -> Callable[[str, Path], str]:
    return run_span_tree


@pytest.fixture(scope="session")
def driver() -> Callable[[Path, str, Path], str]:
    return run_driver
