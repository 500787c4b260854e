"""The ``otelbridge`` console script: one argparse front door for every subcommand.

Each subcommand lives in its own module under :mod:`otelbridge.commands` and exposes
``HELP`` (one line), ``add_arguments(parser)`` and ``run(args) -> int``. Modules keep their
heavy imports inside ``run`` so that ``otelbridge --help`` stays instant.
"""

from __future__ import annotations

import argparse
import importlib
import sys
from typing import Sequence

from otelbridge.version import __version__

# Subcommand name -> module under otelbridge.commands. Order is the order shown in --help.
COMMANDS: dict[str, str] = {
    "demo": "otelbridge.commands.demo",
    "run": "otelbridge.commands.run",
    "collect": "otelbridge.commands.collect",
    "migrate": "otelbridge.commands.migrate",
}


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="otelbridge",
        description="Move OpenTracing and OpenCensus services onto OpenTelemetry.",
    )
    parser.add_argument("--version", action="version", version=f"otelbridge {__version__}")
    subparsers = parser.add_subparsers(dest="command", metavar="COMMAND")
    for name, module_name in COMMANDS.items():
        module = importlib.import_module(module_name)
        sub = subparsers.add_parser(name, help=module.HELP, description=module.HELP)
        module.add_arguments(sub)
        sub.set_defaults(_run=module.run)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    if getattr(args, "_run", None) is None:
        parser.print_help()
        return 2
    try:
        return int(args._run(args) or 0)
    except KeyboardInterrupt:
        return 130


if __name__ == "__main__":
    sys.exit(main())
