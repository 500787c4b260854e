"""Run the bundled legacy shop (``examples/shop``) once and collect what it sends over OTLP.

The shop runs in a child process, as a real service would, either under the bridge
(``otelbridge run``) or natively (its migrated copy), with ``OTEL_*`` variables pointing both
traces and metrics at an embedded receiver on a free loopback port. Nothing leaves the machine.
"""

from __future__ import annotations

import os
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Dict, List, Optional

from opentelemetry.proto.collector.metrics.v1.metrics_service_pb2 import ExportMetricsServiceRequest

from otelbridge.devtools.collector import EmbeddedCollector, metric_lines
from otelbridge.devtools.span_tree import SpanRecord

#: The bundled application. It lives in the source tree, not in the installed package.
SHOP = Path(__file__).resolve().parents[2] / "examples" / "shop"
ENTRY = "shop.py"
#: Seconds the shop may take before the demo gives up on it.
TIMEOUT = 60


class DemoError(Exception):
    """The demo cannot go on; the message is one line for the user."""


@dataclass
class Run:
    """What one run of the shop printed and sent."""

    output: str
    spans: List[SpanRecord]
    metrics: List[ExportMetricsServiceRequest]
    #: why the shop failed (its exit status and last line of stderr), None if it did not
    failure: Optional[str] = None

    def metric_text(self) -> str:
        lines = [line for request in self.metrics for line in metric_lines(request)]
        return "\n".join(lines) if lines else "(no metrics received)"


def demo_environment() -> Dict[str, str]:
    """This process's environment without its ``OTEL_*`` and ``OTELBRIDGE_*`` settings: the demo
    shows the same journey whatever the shell has set (a sampler, ``OTELBRIDGE_SEMCONV``...)."""
    return {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("OTEL_", "OTELBRIDGE_"))
    }


def shop_dir() -> Path:
    if not (SHOP / ENTRY).is_file():
        raise DemoError(
            f"the bundled application is not at {SHOP}: otelbridge demo runs from a source "
            "checkout (pip install -e)"
        )
    return SHOP


def run_shop(directory: Path, bridged: bool) -> Run:
    """Run ``directory/shop.py`` (under ``otelbridge run`` if ``bridged``); what it sent, even
    when it failed."""
    command = [sys.executable, str(directory / ENTRY)]
    if bridged:
        command = [sys.executable, "-m", "otelbridge", "run", "--", *command]
    with EmbeddedCollector() as embedded:
        env = {
            **demo_environment(),
            "OTEL_SERVICE_NAME": "shop",
            "OTEL_TRACES_EXPORTER": "otlp",
            "OTEL_METRICS_EXPORTER": "otlp",
            "OTEL_LOGS_EXPORTER": "none",
            "OTEL_EXPORTER_OTLP_PROTOCOL": "grpc",
            "OTEL_EXPORTER_OTLP_ENDPOINT": embedded.endpoint,
            "PYTHONWARNINGS": "ignore::DeprecationWarning",
        }
        try:
            done = subprocess.run(
                command, env=env, capture_output=True, text=True, timeout=TIMEOUT, check=False
            )
        except subprocess.TimeoutExpired:
            raise DemoError(f"the shop did not finish within {TIMEOUT} s") from None
        failure = None
        if done.returncode != 0:
            last = (done.stderr.strip().splitlines() or ["(no output)"])[-1]
            failure = f"the shop exited with {done.returncode}: {last}"
        requests = list(embedded.collector.requests)
    return Run(
        output=done.stdout.strip(),
        spans=embedded.collector.span_records(),
        metrics=[
            r for r in requests if isinstance(r, ExportMetricsServiceRequest) and r.resource_metrics
        ],
        failure=failure,
    )
