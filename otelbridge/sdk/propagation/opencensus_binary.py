# TEMP STUB - not to be committed
from opentelemetry.trace import SpanContext, TraceFlags


def encode(sc):
    return (
        bytes([0, 0])
        + sc.trace_id.to_bytes(16, "big")
        + bytes([1])
        + sc.span_id.to_bytes(8, "big")
        + bytes([2, int(sc.trace_flags)])
    )


def decode(b):
    if len(b) != 29 or b[0] != 0:
        return None
    return SpanContext(
        int.from_bytes(b[2:18], "big"), int.from_bytes(b[19:27], "big"), True, TraceFlags(b[28])
    )
