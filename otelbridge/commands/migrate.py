"""``otelbridge migrate``: rewrite OpenTracing code to the OpenTelemetry API."""

from __future__ import annotations

import argparse
import os
import sys

from otelbridge.semconv import ENV, MODES

HELP = "Rewrite OpenTracing code to OpenTelemetry; report what needs a human (default: diff)."
INTERRUPTED = "every file is either rewritten in full or untouched"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("paths", nargs="+", metavar="PATH", help="files or directories")
    mode = parser.add_mutually_exclusive_group()
    mode.add_argument(
        "--diff",
        dest="mode",
        action="store_const",
        const="diff",
        help="print a unified diff (default)",
    )
    mode.add_argument(
        "--check",
        dest="mode",
        action="store_const",
        const="check",
        help="only list files that would change",
    )
    mode.add_argument(
        "--write", dest="mode", action="store_const", const="write", help="rewrite files in place"
    )
    parser.set_defaults(mode="diff")
    parser.add_argument("--report", metavar="FILE", help="write a report: FILE.json or FILE.md")
    parser.add_argument(
        "--jobs", "-j", type=int, default=None, metavar="N", help="worker processes (default: CPUs)"
    )
    parser.add_argument(
        "--semconv",
        choices=MODES,
        default=None,
        help="attribute names for OpenTracing tags: as the bridge records them (opentracing, "
        f"the default) or the stable semantic conventions (default: ${ENV} or opentracing)",
    )
    parser.add_argument(
        "--include",
        action="append",
        metavar="GLOB",
        help="files to migrate, by name or path relative to each PATH (default: *.py)",
    )
    parser.add_argument(
        "--exclude",
        action="append",
        default=[],
        metavar="GLOB",
        help="files or directories to leave out, by name or path relative to each PATH",
    )


def _colour(diff: str) -> str:
    out = []
    for line in diff.splitlines(keepends=True):
        if line.startswith(("+++", "---")):
            out.append(f"\033[1m{line.rstrip(chr(10))}\033[0m\n")
        elif line.startswith("+"):
            out.append(f"\033[32m{line.rstrip(chr(10))}\033[0m\n")
        elif line.startswith("-"):
            out.append(f"\033[31m{line.rstrip(chr(10))}\033[0m\n")
        elif line.startswith("@@"):
            out.append(f"\033[36m{line.rstrip(chr(10))}\033[0m\n")
        else:
            out.append(line)
    return "".join(out)


def run(args: argparse.Namespace) -> int:
    from otelbridge.migration_tool.files import discover
    from otelbridge.migration_tool.report import FORMATS, render, summary
    from otelbridge.migration_tool.runner import ProgressBar, default_jobs
    from otelbridge.migration_tool.runner import run as run_files

    if args.report and not args.report.endswith(FORMATS):
        print(
            f"otelbridge migrate: --report {args.report}: unknown format "
            f"(name the file {' or '.join('*' + f for f in FORMATS)})",
            file=sys.stderr,
        )
        return 2
    missing = [p for p in args.paths if not os.path.lexists(p)]
    for path in missing:
        print(f"otelbridge migrate: {path}: no such file or directory", file=sys.stderr)
    paths = list(
        discover(
            [p for p in args.paths if p not in missing], args.include or ["*.py"], args.exclude
        )
    )
    progress = ProgressBar() if sys.stderr.isatty() else None
    setting = os.environ.get(ENV)
    if args.semconv:  # for this run only: the workers read it as migrate_source() does
        os.environ[ENV] = args.semconv
    try:
        results = run_files(paths, args.mode, args.jobs or default_jobs(), progress)
    except KeyboardInterrupt:
        if progress is not None:
            progress.clear()
        print(f"otelbridge migrate: interrupted: {INTERRUPTED}", file=sys.stderr)
        return 130
    finally:
        if setting is None:
            os.environ.pop(ENV, None)
        else:
            os.environ[ENV] = setting
    colour = sys.stdout.isatty() and not os.environ.get("NO_COLOR")
    for result in results:
        if result.status == "changed":
            if args.mode == "diff":
                sys.stdout.write(_colour(result.diff) if colour else result.diff)
            else:
                verb = "rewrote" if args.mode == "write" else "would rewrite"
                print(f"{verb} {result.path}")
        if result.status in ("failed", "skipped"):
            print(f"{result.status}: {result.path}: {result.error}", file=sys.stderr)
        for finding in result.findings:
            print(
                f"{result.path}:{finding.line}:{finding.column + 1}: review: {finding.reason}",
                file=sys.stderr,
            )
        for site in result.remaining:
            if not site.marked:
                print(
                    f"{result.path}:{site.line}: unmarked legacy use (inside a string): "
                    f"{', '.join(site.names)}",
                    file=sys.stderr,
                )
    counts = summary(results)
    print(
        f"{counts['files']} files: {counts['changed']} "
        f"{'rewritten' if args.mode == 'write' else 'to rewrite'}, {counts['review']} sites to "
        f"review, {counts['failed']} failed, {counts['skipped']} skipped; "
        f"{counts['remaining']} legacy sites remain ({counts['marked']} marked)",
        file=sys.stderr,
    )
    if args.report:
        with open(args.report, "w", encoding="utf-8") as handle:
            handle.write(render(results, args.mode, args.report))
    if counts["failed"] or missing:
        return 2
    # Legacy calls left (converted or not) keep a CI gate on ``--check`` failing.
    return 1 if counts["changed"] or counts["remaining"] else 0
