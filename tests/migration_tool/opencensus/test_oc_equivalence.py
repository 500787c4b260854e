# ruff: noqa: E501  (expected span-tree outlines keep one span per line)
"""Behavioural equivalence: OpenCensus programs (``tests/fixtures/opencensus``) traced by OpenCensus
itself, under otelbridge's OpenCensus shim, and after ``otelbridge migrate --write`` (natively on
our SDK when fully migrated, under the bridge when a partial migration kept OpenCensus calls) give
the same span trees (names, parents, kinds, attributes, events, failed or not) and the same metric
streams (names, kinds, attributes, values, histogram counts, sums and bucket counts).

Each program runs in a fresh process through ``oc_span_tree.py``. The OpenTelemetry sides are also
checked exactly against the outlines below (UNSET where OpenCensus never set a status).
"""

from __future__ import annotations

import shutil
import textwrap
from pathlib import Path
from typing import Callable

import pytest

HERE = Path(__file__).resolve().parent
CORPUS = HERE.parent.parent / "fixtures" / "opencensus"
DRIVER = HERE / "oc_span_tree.py"
Driver = Callable[[Path, str, Path], str]

EXPECTED = {
    "nested": """
        checkout kind=SERVER status=ERROR attrs={ok=False} events=[]
          audit kind=INTERNAL status=UNSET attrs={audited=True} events=[]
          charge kind=CLIENT status=ERROR attrs={amount=500} events=[]
        checkout kind=SERVER status=UNSET attrs={ok=True} events=[]
          audit kind=INTERNAL status=UNSET attrs={audited=True} events=[]
          charge kind=CLIENT status=UNSET attrs={amount=50} events=[charged{amount=50, currency='EUR'}]
        """,
    "pairs": """
        job kind=INTERNAL status=UNSET attrs={} events=[done{queries=2}]
          query kind=CLIENT status=UNSET attrs={db.statement='select 1'} events=[]
          query kind=CLIENT status=UNSET attrs={db.statement='select 22'} events=[]
        """,
    "partial": """
        /home kind=SERVER status=UNSET attrs={http.status_code=200} events=[]
          render kind=INTERNAL status=UNSET attrs={template='home.html'} events=[]
        """,
    # a tracer held on the instance (self._tracer = Tracer(...) in __init__)
    "instance_tracer": """
        place-order kind=SERVER status=UNSET attrs={region='eu'} events=[placed{count=2}]
          reserve kind=INTERNAL status=UNSET attrs={item='book'} events=[]
          reserve-failed kind=INTERNAL status=UNSET attrs={item='gone'} events=[]
        """,
    # propagator = TraceContextPropagator(): to_headers/from_headers across a call
    "bound_propagator": """
        call kind=INTERNAL status=UNSET attrs={calling=True} events=[]
          serve kind=INTERNAL status=UNSET attrs={served=True} events=[]
        """,
    "stats_app": "",
    "gauges": "",
    "shared_stats": "",
    # is_exporter()/set_is_exporter(): OpenTelemetry's suppress-instrumentation key
    "exporter_flag": """
        request kind=INTERNAL status=UNSET attrs={after=True, exported=False, flagged=False, sent=True} events=[]
          send kind=INTERNAL status=UNSET attrs={payload='order'} events=[]
          send kind=INTERNAL status=UNSET attrs={payload='receipt'} events=[]
        """,
    # start_span/end_span in different blocks of one function: attached, detached, ended
    "wrappers": """
        request kind=INTERNAL status=UNSET attrs={after=True} events=[]
          audit kind=INTERNAL status=UNSET attrs={jobs=1} events=[]
          flush kind=INTERNAL status=UNSET attrs={} events=[]
          job kind=INTERNAL status=UNSET attrs={queries=2} events=[]
            db.query kind=CLIENT status=UNSET attrs={db.statement='select 1', inside=True} events=[]
            db.query kind=CLIENT status=UNSET attrs={db.statement='select 22', inside=True} events=[]
        """,
    "local_stats": "",
    "held_stats": "",
    "shared_held_stats": "",
    # helpers given their caller's span (usage evidence: methods only OpenCensus spans have)
    "helpers": """
        batch kind=INTERNAL status=UNSET attrs={} events=[]
          /ping kind=INTERNAL status=UNSET attrs={http.status_code=204} events=[]
          [GET]/home kind=INTERNAL status=UNSET attrs={http.method='GET'} events=[tagged{path='/home'}]
          [POST]/boom kind=INTERNAL status=ERROR attrs={error.message='boom', http.method='POST'} events=[tagged{path='/boom'}]
          cleanup kind=INTERNAL status=ERROR attrs={error.message='cleanup failed'} events=[]
        """,
    # a tracer made in main() and handed to the helpers that trace with it
    "tracer_parameters": """
        batch kind=INTERNAL status=UNSET attrs={} events=[]
          line kind=INTERNAL status=UNSET attrs={length=1} events=[]
            count kind=INTERNAL status=UNSET attrs={words=1} events=[]
          line kind=INTERNAL status=UNSET attrs={length=3} events=[]
            count kind=INTERNAL status=UNSET attrs={words=2} events=[]
        """,
    # a set-up function's Tracer(...) statement, tracing optional behind an ImportError guard
    "setup_statement": """
        /cart kind=INTERNAL status=UNSET attrs={http.route='/cart'} events=[]
        /orders kind=INTERNAL status=UNSET attrs={http.route='/orders'} events=[]
        """,
    # start_span() in one callback, end_span() in another: the detach token kept in the context
    "handoffs": """
        request kind=INTERNAL status=UNSET attrs={after=True} events=[]
          batch kind=INTERNAL status=UNSET attrs={size=2} events=[]
            db.query kind=CLIENT status=UNSET attrs={db.rows=8, db.statement='insert 1'} events=[]
            db.query kind=CLIENT status=UNSET attrs={db.rows=9, db.statement='insert 22'} events=[]
          db.query kind=CLIENT status=UNSET attrs={db.rows=8, db.statement='select 1'} events=[]
        """,
}
#: Metric streams, where a program records any.
METRICS = {
    "stats_app": """
        last_response_bytes gauge {method='GET'} 300
        last_response_bytes gauge {method='POST'} 50
        latency_count sum {method='GET'} 2
        latency_count sum {method='POST'} 1
        latency_distribution histogram {method='GET'} (2, 75.0, [1, 0, 1, 0])
        latency_distribution histogram {method='POST'} (1, 20.0, [0, 1, 0, 0])
        response_bytes sum {} 450
        """,
    # measures and views in one module, recorded with its tag key in another
    "shared_stats": """
        shop/latency histogram {route='/cart'} (2, 75.0, [1, 0, 1, 0])
        shop/latency histogram {route='/pay'} (1, 20.0, [0, 1, 0, 0])
        shop/queue gauge {} 4
        shop/requests sum {route='/cart'} 2
        shop/requests sum {route='/pay'} 1
        """,
    # a measurement map and a tag map made at import, recorded by handlers
    "held_stats": """
        orders_view sum {channel='phone'} 5
        orders_view sum {channel='web'} 5
        """,
    # the same, made in one module and recorded by another's handlers
    "shared_held_stats": """
        added tasks sum {app='todo'} 2
        """,
    # gauges, a cumulative and a derived gauge of OpenCensus' metrics API, in one registry
    "gauges": """
        processed sum {queue='mail'} 2
        processed sum {queue='print'} 1
        queue_length gauge {queue='jobs'} 3
        workers gauge {} 3
        """,
    # measures, views, registrations and the recording made inside a request handler
    "local_stats": """
        loop times histogram {route='/clubs'} (4, 9.0, [1, 1, 1, 1])
        metric name: club stats sum {} 4
        """,
}
#: Programs the migration converts entirely: they run without the bridge.
FULLY_MIGRATED = frozenset(
    {
        "nested",
        "pairs",
        "stats_app",
        "shared_stats",
        "local_stats",
        "held_stats",
        "shared_held_stats",
        "wrappers",
        "exporter_flag",
        "handoffs",
        "helpers",
        "tracer_parameters",
        "setup_statement",
        "instance_tracer",
        "gauges",
        "bound_propagator",
    }
)
#: A program's own modules, beside it in ``<name>_parts/``.
PARTS = "{}_parts"


def _sections(output: str) -> list[str]:
    """The driver's sections (separated by ``--`` and ``==`` lines): spans (normalised),
    [spans (exact),] metric streams."""
    lines = output.split("\n")
    cut = lines.index("==")
    spans, metrics = lines[:cut], lines[cut + 1 :]
    parts: list[list[str]] = [[]]
    for line in spans:
        if line == "--":
            parts.append([])
        else:
            parts[-1].append(line)
    return ["\n".join(part).strip("\n") for part in (*parts, metrics)]


def _expected(table: dict, name: str) -> str:
    return textwrap.dedent(table.get(name, "")).strip()


@pytest.fixture(scope="module")
def migrated(
    tmp_path_factory: pytest.TempPathFactory, migrate_corpus: Callable[[Path, Path], Path]
) -> Path:
    target = tmp_path_factory.mktemp("migrated")
    for parts in CORPUS.glob(PARTS.format("*")):  # migrated with the programs, as one project
        shutil.copytree(parts, target / parts.name, ignore=shutil.ignore_patterns("__pycache__"))
    return migrate_corpus(CORPUS, target)


def test_every_program_has_an_expected_tree() -> None:
    assert sorted(p.stem for p in CORPUS.glob("*.py")) == sorted(EXPECTED)


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_legacy_program_under_the_shim_traces_as_opencensus_did(name: str, driver: Driver) -> None:
    legacy, _ = _sections(driver(DRIVER, "opencensus", CORPUS / f"{name}.py"))
    normalised, exact, _ = _sections(driver(DRIVER, "bridge", CORPUS / f"{name}.py"))
    assert normalised == legacy
    assert exact == _expected(EXPECTED, name)


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_migrated_program_traces_as_opencensus_did(
    name: str, migrated: Path, driver: Driver
) -> None:
    program = migrated / f"{name}.py"
    modules = [program, *(migrated / PARTS.format(name)).glob("*.py")]
    fully = not any("opencensus" in module.read_text() for module in modules)
    assert fully == (name in FULLY_MIGRATED)
    legacy, legacy_metrics = _sections(driver(DRIVER, "opencensus", CORPUS / f"{name}.py"))
    normalised, exact, metrics = _sections(driver(DRIVER, "native" if fully else "bridge", program))
    assert normalised == legacy
    assert exact == _expected(EXPECTED, name)
    assert legacy_metrics == _expected(METRICS, name)
    assert metrics == legacy_metrics
