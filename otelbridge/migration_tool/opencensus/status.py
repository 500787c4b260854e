"""OpenCensus ``Status`` values -> OpenTelemetry ``Status`` expressions.

OpenCensus statuses carry a google.rpc canonical code: 0 is OK, every other code is an error.
OpenTelemetry keeps only OK/ERROR (plus UNSET), so code 0 maps to ``StatusCode.OK`` and the others
to ``StatusCode.ERROR`` with the OpenCensus message as the description. A raw cast of the code would
repeat the Go bridge's bug (OC UNKNOWN=2 is OTel OK=2 in Go's ``codes``).
"""

from __future__ import annotations

from typing import Callable, Optional

import libcst as cst

from otelbridge.migration_tool.opencensus.names import STATUS_CLASS, STATUS_FROM_HTTP
from otelbridge.migration_tool.transforms.base import arg, has_star_args, literal

_EXCEPTIONS = "opencensus.trace.exceptions_status."
#: ``opencensus.trace.exceptions_status`` constants: their (non-OK) messages.
_CONSTANTS = {
    _EXCEPTIONS + "CANCELLED": None,
    _EXCEPTIONS + "INVALID_URL": "invalid URL",
    _EXCEPTIONS + "TIMEOUT": "request timed out",
}
_RPC = "google.rpc.code_pb2."
_SIDE_EFFECT_FREE = (cst.Name, cst.Attribute, cst.Integer)

QualifiedNames = Callable[[cst.CSTNode], set[str]]
#: What a status becomes: a template for ``{Status}``/``{StatusCode}`` and the nodes it uses.
Mapped = tuple[str, dict[str, cst.BaseExpression]]


def map_status(node: cst.BaseExpression, names: QualifiedNames) -> Optional[Mapped]:
    """The OpenTelemetry status for an OpenCensus status expression, or ``None`` if unknown."""
    if isinstance(node, (cst.Name, cst.Attribute)):
        for name in names(node):
            if name in _CONSTANTS:
                text = _CONSTANTS[name]
                if text is None:
                    return "{Status}({StatusCode}.ERROR)", {}
                return "{Status}({StatusCode}.ERROR, " + repr(text) + ")", {}
        return None
    if not isinstance(node, cst.Call) or has_star_args(node):
        return None
    called = names(node.func)
    if STATUS_CLASS + ".as_ok" in called and not node.args:
        return "{Status}({StatusCode}.OK)", {}
    exception = arg(node, "exception", 0)
    if called & {STATUS_CLASS + ".from_exception", _EXCEPTIONS + "unknown"} and exception:
        return "{Status}({StatusCode}.ERROR, str(EXC))", {"EXC": exception.value}
    code = arg(node, "http_code", 0)
    if STATUS_FROM_HTTP in called and code and isinstance(code.value, _SIDE_EFFECT_FREE):
        # OpenCensus: below 200 UNKNOWN, up to 399 OK, everything else an error code.
        return (
            "{Status}({StatusCode}.OK if 200 <= CODE <= 399 else {StatusCode}.ERROR)",
            {"CODE": code.value},
        )
    if STATUS_CLASS not in called:
        return None
    code = arg(node, "code", 0)
    message = arg(node, "message", 1)
    if code is None or arg(node, "details", 2) is not None:
        return None
    value = _code(code.value, names)
    if value is None:
        return None
    if value == 0:
        return "{Status}({StatusCode}.OK)", {}
    if message is None:
        return "{Status}({StatusCode}.ERROR)", {}
    return "{Status}({StatusCode}.ERROR, MESSAGE)", {"MESSAGE": message.value}


def _code(node: cst.BaseExpression, names: QualifiedNames) -> Optional[int]:
    """A literal canonical code, or a ``google.rpc.code_pb2`` member (only OK is 0)."""
    value = literal(node)
    if isinstance(value, int) and not isinstance(value, bool):
        return value
    for name in names(node):
        if name.startswith(_RPC):
            return 0 if name == _RPC + "OK" else 1
    return None
