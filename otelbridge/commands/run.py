"""``otelbridge run -- python app.py [args]``: run a program with the bridge installed."""

from __future__ import annotations

import argparse
import sys

HELP = "run a Python program with the OpenTracing/OpenTelemetry bridge installed"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "command",
        nargs=argparse.REMAINDER,
        help="the program and its arguments, after --, e.g. -- python app.py --port 8080",
    )
    parser.epilog = (
        "The bridge is configured from the OTEL_* environment variables (e.g. "
        "OTEL_SERVICE_NAME, OTEL_TRACES_EXPORTER, OTEL_PROPAGATORS). The program's exit code "
        "is passed through."
    )


def run(args: argparse.Namespace) -> int:
    from otelbridge.bridge.launcher import exec_program

    command = list(args.command)
    if command and command[0] == "--":
        command = command[1:]
    if not command:
        print(
            "otelbridge run: give the program to run, e.g. otelbridge run -- python app.py",
            file=sys.stderr,
        )
        return 2
    return exec_program(command)
