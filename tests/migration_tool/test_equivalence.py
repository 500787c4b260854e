# ruff: noqa: E501  (expected span-tree outlines keep one span per line)
"""Behavioural equivalence: legacy programs traced under the OpenTracing shim and the same programs
after ``otelbridge migrate --write``, run natively on our SDK, produce the same span trees.

The corpus is ``tests/fixtures/codemod``. Each program runs in a fresh process (the OpenTelemetry
API allows one global tracer provider per process) through ``span_tree.py``, which prints an outline
of names, parent links, kinds, statuses, attributes and events. The migrated side is also checked
against the trees written below, so the test stands on its own when the shim is absent.
Programs that are tests of a ``MockTracer`` (``mock_tests``) also make assertions of their own in
``main``: on the mock as written, and on the in-memory exporter once migrated.
"""

from __future__ import annotations

import textwrap
from pathlib import Path
from typing import Callable

import pytest

HERE = Path(__file__).resolve().parent
CORPUS = HERE.parent / "fixtures" / "codemod"
SpanTree = Callable[[str, Path], str]

EXPECTED = {
    "asyncio_app": """
        request kind=INTERNAL status=UNSET attrs={name='a'} events=[]
          query kind=INTERNAL status=UNSET attrs={db.statement='select a'} events=[]
          query kind=INTERNAL status=UNSET attrs={db.statement='select a'} events=[]
        request kind=INTERNAL status=UNSET attrs={name='b'} events=[]
          query kind=INTERNAL status=UNSET attrs={db.statement='select b'} events=[]
          query kind=INTERNAL status=UNSET attrs={db.statement='select b'} events=[]
        """,
    "baggage": """
        request kind=INTERNAL status=UNSET attrs={} events=[]
          lookup kind=INTERNAL status=UNSET attrs={tenant='acme'} events=[]
        """,
    "errors": """
        checkout kind=INTERNAL status=ERROR attrs={} events=[declined{message='payment declined'}]
          charge kind=INTERNAL status=ERROR attrs={amount=500} events=[exception{exception.message='over limit', exception.type='program.PaymentDeclined'}]
        checkout kind=INTERNAL status=UNSET attrs={} events=[]
          charge kind=INTERNAL status=UNSET attrs={amount=50} events=[]
        """,
    "handlers": """
        GET /profile kind=SERVER status=UNSET attrs={http.method='GET', http.status_code=200} events=[]
          load_user kind=INTERNAL status=UNSET attrs={user.id=7} events=[cache_miss{key='user:7'}]
          render_profile kind=INTERNAL status=UNSET attrs={component='templates'} events=[rendered{payload='profile'}]
        """,
    "late_global": """
        work kind=INTERNAL status=UNSET attrs={} events=[]
          fetch kind=INTERNAL status=UNSET attrs={key='a'} events=[]
          fetch kind=INTERNAL status=UNSET attrs={key='b'} events=[]
        """,
    "manual": """
        job kind=INTERNAL status=UNSET attrs={} events=[]
          inner kind=INTERNAL status=UNSET attrs={annotated=True} events=[]
          step kind=INTERNAL status=UNSET attrs={step=1} events=[progress{payload=50}]
        """,
    "mock_tests": """
        outside kind=INTERNAL status=UNSET attrs={client.call='outside'} events=[]
          lookup kind=INTERNAL status=UNSET attrs={key='outside'} events=[]
        """,
    "propagation": """
        batch kind=INTERNAL status=UNSET attrs={} events=[]
          client kind=CLIENT status=UNSET attrs={headers.injected=True} events=[]
            server kind=SERVER status=UNSET attrs={peer='client'} events=[]
        """,
    "references": """
        current kind=INTERNAL status=UNSET attrs={} events=[]
          inside kind=INTERNAL status=UNSET attrs={} events=[]
        first kind=INTERNAL status=UNSET attrs={} events=[]
          after kind=INTERNAL status=UNSET attrs={} events=[]
        """,
    "threads": """
        fan_out kind=INTERNAL status=UNSET attrs={} events=[]
          shard kind=INTERNAL status=UNSET attrs={shard=0} events=[processed{rows=0}]
          shard kind=INTERNAL status=UNSET attrs={shard=1} events=[processed{rows=10}]
          shard kind=INTERNAL status=UNSET attrs={shard=2} events=[processed{rows=20}]
        """,
}


def test_corpus_is_complete() -> None:
    assert sorted(p.stem for p in CORPUS.glob("*.py")) == sorted(EXPECTED)


@pytest.fixture(scope="module")
def migrated(
    tmp_path_factory: pytest.TempPathFactory, migrate_corpus: Callable[[Path, Path], Path]
) -> Path:
    """The whole corpus, migrated once with ``otelbridge migrate --write``."""
    return migrate_corpus(CORPUS, tmp_path_factory.mktemp("migrated"))


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_migrated_program_needs_no_review_and_no_opentracing(migrated: Path, name: str) -> None:
    code = (migrated / f"{name}.py").read_text()
    assert "opentracing" not in code and "TODO(otelbridge)" not in code


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_migrated_program_produces_the_expected_tree(
    migrated: Path, name: str, span_tree: SpanTree
) -> None:
    assert span_tree("native", migrated / f"{name}.py") == textwrap.dedent(EXPECTED[name]).strip()


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_shim_and_migrated_trees_are_equal(migrated: Path, name: str, span_tree: SpanTree) -> None:
    legacy = span_tree("shim", CORPUS / f"{name}.py")
    assert legacy == span_tree("native", migrated / f"{name}.py")
