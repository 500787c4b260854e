"""``otelbridge collect``: a development OTLP receiver that shows or records what it gets."""

from __future__ import annotations

import argparse
import sys
import threading

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
        "--duration",
        type=float,
        metavar="SECONDS",
        help="stop after SECONDS (default: until Ctrl-C)",
    )


def run(args: argparse.Namespace) -> int:
    from otelbridge.devtools.collector import Collector
    from otelbridge.devtools.receiver import OTLPReceiver

    output = open(args.output, "a", encoding="utf-8") if args.output else None  # noqa: SIM115
    collector = Collector(
        out=None if output else sys.stdout, json_lines=output, show_events=not args.no_events
    )
    receiver = OTLPReceiver(collector, args.host, args.grpc_port, args.http_port)
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
        if output is not None:
            output.close()
    print(f"otelbridge collect: received {len(collector.requests)} request(s)", flush=True)
    return 0
