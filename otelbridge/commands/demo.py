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
    from otelbridge.demo.app import DemoError, Run, run_shop, shop_dir
    from otelbridge.demo.compare import differences, metric_fields, span_fields
    from otelbridge.demo.migration import migrated_copy, show_diff
    from otelbridge.devtools.span_tree import render_span_tree

    def show(run: Run) -> None:
        lines = run.output.splitlines() or ["(the shop printed nothing)"]
        print(
            lines[-1]
            + (f"  (after {len(lines) - 1} other lines of output)" if len(lines) > 1 else "")
        )
        if run.failure:
            print(run.failure)
        print(render_span_tree(run.spans, show_events=not args.no_events) or "(no spans received)")
        print("\nmetrics:\n" + run.metric_text() + "\n", flush=True)

    steps = [args.step] if args.step else [1, 2, 3]
    try:
        shop = shop_dir()
        bridged = None
        if 1 in steps or 3 in steps:
            if 1 in steps:
                _heading(f"Step 1: {shop} (OpenTracing + OpenCensus) under otelbridge run")
            bridged = run_shop(shop, bridged=True)
            if bridged.failure:
                raise DemoError(f"under the bridge, {bridged.failure}")
            if 1 in steps:
                show(bridged)
        if 2 in steps:
            _heading("Step 2: otelbridge migrate --diff (the code is left untouched)")
            show_diff(shop)
            print()
        if 3 in steps:
            _heading("Step 3: the migrated shop, run natively on OpenTelemetry (no bridge)")
            with tempfile.TemporaryDirectory(prefix="otelbridge-demo-") as directory:
                summary = migrated_copy(shop, Path(directory))
                native = run_shop(Path(directory) / shop.name, bridged=False)
            print(f"codemod: {summary}")
            show(native)
            assert bridged is not None
            spans, metrics = span_fields(bridged.spans), metric_fields(bridged.metrics)
            diff = differences(spans, span_fields(native.spans), "span") + differences(
                metrics, metric_fields(native.metrics), "metric"
            )
            if native.failure:
                diff.insert(0, f"the migrated shop failed: {native.failure}")
            what = f"{len(spans)} spans and {len(metrics)} metric points"
            if diff:
                print(f"match: NO, step 3 differs from step 1 in {len(diff)} field(s) of {what}:")
                print("\n".join(f"  {line}" for line in diff))
            else:
                print(f"match: yes, step 3 sends what step 1 sent: {what}, field by field")
            print("(ids, times, instrumentation scopes and loopback ports are not compared)")
    except DemoError as exc:
        print(f"otelbridge demo: {exc}", file=sys.stderr)
        return 1
    return 0
