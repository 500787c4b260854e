"""One header's value for the current span, written by a bound Google Cloud propagator.

Google Cloud's OpenCensus samples pass the trace on by hand::

    propagator = google_cloud_format.GoogleCloudFormatPropagator()
    ...
    header = propagator.to_header(execution_context.get_opencensus_tracer().span_context)
    requests.get(url, headers={"X-Cloud-Trace-Context": header})

``to_header`` gives the ``X-Cloud-Trace-Context`` value of the current tracer's span. OpenTelemetry
propagators write into a carrier, so the value is read back from one the same format filled::

    header_carrier = {}
    CloudTraceFormatPropagator().inject(header_carrier)
    header = header_carrier.get("x-cloud-trace-context", "")

(no current span: no header, as OpenTelemetry sends none then). Only the current tracer's span
context is taken, the one the injected context holds.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Callable, Mapping, Optional

import libcst as cst
from libcst.metadata import Scope

from otelbridge.migration_tool.opencensus.names import GET_TRACER
from otelbridge.migration_tool.opencensus.remote_parent import bound_propagator, method_call
from otelbridge.migration_tool.transforms.base import sole_assignment

#: OpenCensus propagators with ``to_header`` -> the module and class of ours that writes the
#: same header, and the header's name
HEADER_PROPAGATORS = {
    "opencensus.trace.propagation.google_cloud_format.GoogleCloudFormatPropagator": (
        "otelbridge.sdk.propagation",
        "CloudTraceFormatPropagator",
        "x-cloud-trace-context",
    ),
}


@dataclass(frozen=True)
class HeaderValue:
    """``target = propagator.to_header(<the current tracer>.span_context)``."""

    target: cst.Name
    #: our propagator's module and class, and the header it writes
    module: str
    cls: str
    header: str


def header_value(
    statement: cst.CSTNode,
    scopes: Mapping[cst.CSTNode, Optional[Scope]],
    parents: Mapping[cst.CSTNode, cst.CSTNode],
    names: Callable[[cst.CSTNode], set[str]],
) -> Optional[HeaderValue]:
    """``statement`` as a header value of the current span, if it is one."""
    assign = sole_assignment(statement)
    call = assign.value if assign is not None else None
    if not (
        assign is not None
        and isinstance(statement, cst.SimpleStatementLine)
        and isinstance(assign.targets[0].target, cst.Name)
        and isinstance(call, cst.Call)
        and method_call(call, "to_header")
    ):
        return None
    assert isinstance(call.func, cst.Attribute)  # method_call
    made = bound_propagator(call.func.value, scopes, parents, names)
    made_by = names(made.func) if made is not None else set()
    found = [HEADER_PROPAGATORS[n] for n in made_by if n in HEADER_PROPAGATORS]
    context = call.args[0].value
    if not (
        found
        and isinstance(context, cst.Attribute)
        and context.attr.value == "span_context"
        and isinstance(context.value, cst.Call)
        and not context.value.args
        and GET_TRACER in names(context.value.func)
    ):
        return None
    module, cls, header = found[0]
    return HeaderValue(assign.targets[0].target, module, cls, header)
