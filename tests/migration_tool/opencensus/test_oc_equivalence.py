# ruff: noqa: E501  (expected span-tree outlines keep one span per line)
"""Behavioural equivalence: OpenCensus programs (``tests/fixtures/opencensus``) traced by OpenCensus
itself, and the same programs after ``otelbridge migrate --write`` run natively on our SDK, give
the same span trees (names, parents, kinds, attributes, events, failed or not).

Each program runs in a fresh process through ``oc_span_tree.py``. The migrated side is also
checked exactly against the outlines below (OpenTelemetry's statuses: UNSET where OpenCensus
never set one).
"""

from __future__ import annotations

import subprocess
import sys
import textwrap
from pathlib import Path
from typing import Callable

import pytest

HERE = Path(__file__).resolve().parent
CORPUS = HERE.parent.parent / "fixtures" / "opencensus"
DRIVER = HERE / "oc_span_tree.py"

EXPECTED = {
    "nested": """
        checkout kind=SERVER status=ERROR attrs={ok=False} events=[]
          charge kind=CLIENT status=ERROR attrs={amount=500} events=[]
        checkout kind=SERVER status=UNSET attrs={ok=True} events=[]
          charge kind=CLIENT status=UNSET attrs={amount=50} events=[charged{amount=50, currency='EUR'}]
        """,
    "pairs": """
        job kind=INTERNAL status=UNSET attrs={} events=[done{queries=2}]
          query kind=CLIENT status=UNSET attrs={db.statement='select 1'} events=[]
          query kind=CLIENT status=UNSET attrs={db.statement='select 22'} events=[]
        """,
}


def _run(variant: str, program: Path) -> str:
    result = subprocess.run(
        [sys.executable, str(DRIVER), variant, str(program)],
        capture_output=True,
        text=True,
        check=False,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
    return result.stdout.strip()


@pytest.fixture(scope="module")
def migrated(
    tmp_path_factory: pytest.TempPathFactory, migrate_corpus: Callable[[Path, Path], Path]
) -> Path:
    return migrate_corpus(CORPUS, tmp_path_factory.mktemp("migrated"))


def test_every_program_has_an_expected_tree() -> None:
    assert sorted(p.stem for p in CORPUS.glob("*.py")) == sorted(EXPECTED)


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_migrated_program_traces_as_opencensus_did(name: str, migrated: Path) -> None:
    program = migrated / f"{name}.py"
    assert "opencensus" not in program.read_text(), "the program was not fully migrated"
    legacy = _run("opencensus", CORPUS / f"{name}.py")
    normalised, exact = _run("native", program).split("\n--\n")
    assert normalised == legacy
    assert exact == textwrap.dedent(EXPECTED[name]).strip()
