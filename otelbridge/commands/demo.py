"""``otelbridge demo``: the whole journey on a bundled legacy shop (``examples/shop``).

Step 1 runs the OpenTracing + OpenCensus shop under the bridge, step 2 shows the codemod's diff
of it, step 3 runs the migrated shop natively on OpenTelemetry and checks, field by field, that
it sends what step 1 sent. Everything is exported over OTLP to an embedded loopback receiver.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from otelbridge.demo.app import Run

HELP = (
    "run a bundled OpenTracing/OpenCensus shop under the bridge (1), show the codemod's diff of "
    "it (2), run the migrated shop natively and compare (3)"
)


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--step", type=int, choices=(1, 2, 3), help="run one step only (default: all three)"
    )
    parser.add_argument(
        "--no-events", action="store_true", help="do not list span events under their spans"
    )


def _heading(text: str) -> None:
    bold = sys.stdout.isatty()
    print(f"\033[1m{text}\033[0m" if bold else text, flush=True)


def run(args: argparse.Namespace) -> int:
    from otelbridge.demo.app import DemoError, run_shop, shop_dir
    from otelbridge.demo.compare import verdict
    from otelbridge.demo.migration import migrated_copy, show_diff

    steps = [args.step] if args.step else [1, 2, 3]
    try:
        shop = shop_dir()
        if 1 in steps:
            _heading(f"Step 1: {shop} (OpenTracing + OpenCensus) under otelbridge run")
        bridged = run_shop(shop, bridged=True) if 1 in steps or 3 in steps else None
        if bridged is not None and bridged.failure:
            raise DemoError(f"under the bridge, {bridged.failure}")
        if 1 in steps and bridged is not None:
            _show(bridged, args.no_events)
        if 2 in steps:
            _heading("Step 2: otelbridge migrate --diff (the code is left untouched)")
            show_diff(shop)
            print()
        if 3 in steps and bridged is not None:
            _heading("Step 3: the migrated shop, run natively on OpenTelemetry (no bridge)")
            if 1 not in steps:
                print("(step 1 ran first, silently, to compare with)")
            with tempfile.TemporaryDirectory(prefix="otelbridge-demo-") as directory:
                print(f"codemod: {migrated_copy(shop, Path(directory))}")
                native = run_shop(Path(directory) / shop.name, bridged=False)
            _show(native, args.no_events)
            print("\n".join(verdict(bridged, native)))
            print(
                "(ids, times, instrumentation scopes, loopback ports and histogram min/max "
                "are not compared)"
            )
    except DemoError as exc:
        print(f"otelbridge demo: {exc}", file=sys.stderr)
        return 1
    return 0


def _show(run: Run, no_events: bool) -> None:
    """What the shop printed last (its order line), its span tree and its metrics."""
    from otelbridge.devtools.span_tree import render_span_tree

    lines = run.output.splitlines() or ["(the shop printed nothing)"]
    more = f"  (after {len(lines) - 1} other lines of output)" if len(lines) > 1 else ""
    print(lines[-1] + more)
    if run.failure:
        print(run.failure)
    print(render_span_tree(run.spans, show_events=not no_events) or "(no spans received)")
    print("\nmetrics:\n" + run.metric_text() + "\n", flush=True)
