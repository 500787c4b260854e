"""``otelbridge collect``: a development OTLP receiver that shows or records what it gets."""

from __future__ import annotations

import argparse
import os
import socket
import sys
import threading
from typing import Any, Optional

HELP = "receive OTLP (gRPC :4317, HTTP :4318) and print span trees and metrics, or write JSON lines"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--host", default="127.0.0.1", help="address to listen on (default: loopback)"
    )
    parser.add_argument(
        "--grpc-port", type=int, default=4317, help="OTLP/gRPC port, 0 for any free port"
    )
    parser.add_argument(
        "--http-port", type=int, default=4318, help="OTLP/HTTP port, 0 for any free port"
    )
    parser.add_argument(
        "--output",
        metavar="FILE",
        help="append each request as an OTLP JSON line to FILE instead of printing",
    )
    parser.add_argument("--no-events", action="store_true", help="do not list span events")
    parser.add_argument(
        "--window",
        type=float,
        default=1.0,
        metavar="SECONDS",
        help="print a trace once none of its spans arrived for SECONDS (default: 1), so a "
        "trace sent by several services prints as one tree",
    )
    parser.add_argument(
        "--duration",
        type=float,
        metavar="SECONDS",
        help="stop after SECONDS (default: until Ctrl-C)",
    )


def _problem(args: argparse.Namespace) -> Optional[str]:
    """The first bad argument, as one line, or None."""
    if args.duration is not None and not args.duration > 0:
        return f"--duration must be a number of seconds above 0, got {args.duration:g}"
    if not args.window >= 0:
        return f"--window must be a number of seconds, 0 or more, got {args.window:g}"
    for flag, port in (("--grpc-port", args.grpc_port), ("--http-port", args.http_port)):
        if not 0 <= port <= 65535:
            return f"{flag} must be 0 (any free port) to 65535, got {port}"
        if port and not _can_listen(args.host, port):
            return (
                f"cannot listen on {args.host}:{port} ({flag}): the address is in use (another "
                f"collector?); choose another with {flag}, or 0 for any free port"
            )
    if args.output:
        folder = os.path.dirname(os.path.abspath(args.output))
        if not os.path.isdir(folder):
            return f"--output {args.output}: the folder {folder} does not exist"
    return None


def _can_listen(host: str, port: int) -> bool:
    """Whether ``host:port`` is free (bound without SO_REUSEPORT, which gRPC would share)."""
    with socket.socket(socket.AF_INET6 if ":" in host else socket.AF_INET) as probe:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            probe.bind((host, port))
        except OSError:
            return False
    return True


def run(args: argparse.Namespace) -> int:
    from otelbridge.devtools.collector import Collector
    from otelbridge.devtools.receiver import OTLPReceiver
    from otelbridge.devtools.trace_window import TraceWindow

    problem = _problem(args)
    if problem is not None:
        print(f"otelbridge collect: {problem}", file=sys.stderr)
        return 2
    try:
        output = open(args.output, "a", encoding="utf-8") if args.output else None  # noqa: SIM115
    except OSError as error:
        print(f"otelbridge collect: cannot write {args.output}: {error.strerror}", file=sys.stderr)
        return 2
    collector = Collector(json_lines=output)
    window = None if output else TraceWindow(sys.stdout, args.window, not args.no_events)

    def consume(request: Any) -> None:
        collector(request)
        if window is not None:
            window(request)

    receiver = OTLPReceiver(consume, args.host, args.grpc_port, args.http_port)
    try:
        receiver.start()
    except (OSError, RuntimeError) as error:
        print(f"otelbridge collect: {error}", file=sys.stderr)
        return 1
    print(
        f"otelbridge collect: OTLP/gRPC on {receiver.grpc_endpoint}, "
        f"OTLP/HTTP on {receiver.http_endpoint}"
        + (f", writing to {args.output}" if output else ""),
        flush=True,
    )
    try:
        threading.Event().wait(args.duration)
    except KeyboardInterrupt:
        pass
    finally:
        receiver.stop()
        if window is not None:
            window.close()
        if output is not None:
            output.close()
    print(f"otelbridge collect: received {len(collector.requests)} request(s)", flush=True)
    return 0
