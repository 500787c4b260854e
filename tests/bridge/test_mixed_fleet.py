"""A mixed fleet joins one trace (issue 15, item 2): three real loopback services in one chain.

``bridged`` is jaeger-client's Config under ``otelbridge run``, ``migrated`` is native
OpenTelemetry on our SDK, ``untouched`` is plain jaeger-client (see apps/fleet_service.py).
"""

from __future__ import annotations

import itertools
import os
import subprocess
import sys
from pathlib import Path
from typing import Dict, Iterator

import pytest
import requests

SERVICE = Path(__file__).resolve().parent / "apps" / "fleet_service.py"
KINDS = ("bridged", "migrated", "untouched")


def _start(kind: str, propagators: str) -> subprocess.Popen:
    env = {k: v for k, v in os.environ.items() if not k.startswith("OTEL_") and k != "PYTHONPATH"}
    env.update(OTEL_TRACES_EXPORTER="none", OTEL_METRICS_EXPORTER="none")
    if propagators:
        env["OTEL_PROPAGATORS"] = propagators
    command = [sys.executable, str(SERVICE), kind]
    if kind == "bridged":
        command = [sys.executable, "-m", "otelbridge", "run", "--", *command]
    return subprocess.Popen(command, stdout=subprocess.PIPE, text=True, env=env)


def _fleet(propagators: str) -> Iterator[Dict[str, str]]:
    """The three services; ``propagators`` is OTEL_PROPAGATORS for the two OpenTelemetry ones."""
    processes = {kind: _start(kind, propagators if kind != "untouched" else "") for kind in KINDS}
    try:
        yield {kind: process.stdout.readline().strip() for kind, process in processes.items()}
    finally:
        for process in processes.values():
            process.terminate()
            process.wait(10)
            process.stdout.close()


@pytest.fixture(scope="module")
def default_fleet() -> Iterator[Dict[str, str]]:
    yield from _fleet("")


@pytest.fixture(scope="module")
def configured_fleet() -> Iterator[Dict[str, str]]:
    yield from _fleet("tracecontext,baggage,jaeger")


def _one_trace(fleet: Dict[str, str], order) -> None:
    ports = [fleet[kind] for kind in order]
    url = f"http://127.0.0.1:{ports[0]}/?hops={','.join(ports[1:])}"
    hops = requests.get(url, timeout=20).json()
    assert [kind for kind, _, _ in hops] == list(order)
    assert len({trace_id for _, trace_id, _ in hops}) == 1, hops
    assert [tenant for _, _, tenant in hops] == ["acme"] * len(hops), hops


# With nothing set, a migrated service speaks W3C only and an untouched one Jaeger only: the
# bridged service, speaking both, is what joins them, whichever way the calls go.
@pytest.mark.parametrize(
    "order",
    [
        ("untouched", "bridged", "migrated"),
        ("migrated", "bridged", "untouched"),
        ("bridged", "untouched", "bridged"),
        ("bridged", "migrated", "bridged"),
    ],
)
def test_by_default_the_bridged_service_joins_w3c_and_jaeger(default_fleet, order) -> None:
    _one_trace(default_fleet, order)


@pytest.mark.parametrize("order", list(itertools.permutations(KINDS)))
def test_with_otel_propagators_set_every_order_is_one_trace(configured_fleet, order) -> None:
    _one_trace(configured_fleet, order)
