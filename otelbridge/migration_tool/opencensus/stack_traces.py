"""``span.stack_trace = StackTrace.from_traceback(tb)`` -> an ``exception`` event carrying the
formatted traceback.

OpenCensus exports a span's stack trace as a field of the span; OpenTelemetry spans have none, and
the place its exporters and backends read one from is the ``exception.stacktrace`` attribute of an
``exception`` event (what ``record_exception`` writes). Only the traceback form is mapped: it is
the one the integrations use, and its text is ``traceback.format_tb``'s.
"""

from __future__ import annotations

from typing import Callable, Optional

import libcst as cst

FROM_TRACEBACK = "opencensus.trace.stack_trace.StackTrace.from_traceback"
#: an ``expr()`` template (its braces doubled)
EVENT = "SPAN.add_event(NAME, {{KEY: EMPTY.join(FORMAT_TB(TB))}})"


def traceback_of(
    value: cst.BaseExpression, names: Callable[[cst.CSTNode], set[str]]
) -> Optional[cst.BaseExpression]:
    """The traceback ``StackTrace.from_traceback(tb)`` is built from (``None``: another value)."""
    if not isinstance(value, cst.Call) or len(value.args) != 1:
        return None
    given = value.args[0]
    if given.keyword is not None or given.star or FROM_TRACEBACK not in names(value.func):
        return None
    return given.value
