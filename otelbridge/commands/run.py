"""``otelbridge run -- python app.py [args]``: run a program with the bridge installed."""

from __future__ import annotations

import argparse
import sys

HELP = "run a Python program with the OpenTracing/OpenTelemetry bridge installed"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--instrument",
        action="store_true",
        help="also activate the installed opentelemetry-instrumentation-* packages "
        "(as opentelemetry-instrument does), after the bridge",
    )
    parser.add_argument(
        "command",
        nargs=argparse.REMAINDER,
        help="the program and its arguments, after --, e.g. -- python app.py --port 8080",
    )
    parser.epilog = (
        "The bridge is configured from the OTEL_* environment variables (e.g. "
        "OTEL_SERVICE_NAME, OTEL_TRACES_EXPORTER, OTEL_PROPAGATORS), checked before the program "
        "starts: a bad value exits 2 with one line. The program's exit code is passed through."
    )


def run(args: argparse.Namespace) -> int:
    # Checked before importing the bridge: importing opentelemetry.propagate (as the bridge
    # does) already fails on an unknown OTEL_PROPAGATORS name, with a traceback.
    from otelbridge.sdk.configuration import ConfigurationError, check_environment

    command = list(args.command)
    if command and command[0] == "--":
        command = command[1:]
    if not command:
        print(
            "otelbridge run: give the program to run, e.g. otelbridge run -- python app.py",
            file=sys.stderr,
        )
        return 2
    try:
        check_environment()
    except ConfigurationError as error:
        print(f"otelbridge run: {error}", file=sys.stderr)
        return 2
    from otelbridge.bridge.launcher import LaunchError, exec_program, interpreter_for

    try:
        command = interpreter_for(command)
    except LaunchError as error:
        print(f"otelbridge run: {error}", file=sys.stderr)
        return 2
    return exec_program(command, instrument=args.instrument)
