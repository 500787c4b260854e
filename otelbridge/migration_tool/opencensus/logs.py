"""``AzureLogHandler(connection_string=...)`` -> an OpenTelemetry ``LoggingHandler``.

OpenCensus' Azure log handler exports ``logging`` records to Application Insights. OpenTelemetry
does it with a ``LoggingHandler`` over a ``LoggerProvider`` whose processor batches records to
``AzureMonitorLogExporter``. otelbridge's SDK has no logs signal, so the provider is
opentelemetry-sdk's (``opentelemetry.sdk._logs``), which azure-monitor-opentelemetry-exporter
installs anyway. The handler statement (``h = AzureLogHandler(...)`` or
``logger.addHandler(AzureLogHandler(...))``) gets the provider built right before it. Other
arguments than ``connection_string`` (intervals, sampling, storage) have no mapping: the handler is
then marked with the route.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Callable, Optional

import libcst as cst

from otelbridge.migration_tool.findings import TODO_PREFIX, Finding
from otelbridge.migration_tool.opencensus.names import ROOT
from otelbridge.migration_tool.opencensus.statements import (
    fresh_name,
    names_in,
    only_legacy_call,
    with_replaced,
)
from otelbridge.migration_tool.transforms.arguments import keyword
from otelbridge.migration_tool.transforms.base import has_star_args
from otelbridge.migration_tool.walk import walk

if TYPE_CHECKING:
    from otelbridge.migration_tool.opencensus.traces import OpenCensusTraces

AZURE_LOG_HANDLER = "opencensus.ext.azure.log_exporter.AzureLogHandler"
_SDK_LOGS = "opentelemetry.sdk._logs"
_EXPORTER = ("azure.monitor.opentelemetry.exporter", "AzureMonitorLogExporter")
LOGS_NOTES = (
    "pip install azure-monitor-opentelemetry-exporter (it brings opentelemetry-sdk, whose "
    "LoggerProvider exports the records: otelbridge's SDK has no logs signal)",
    "extra={'custom_dimensions': {...}} arrives as one attribute; pass the dimensions as extra= "
    "keys to get them as customDimensions",
)


class AzureLogs:
    """Plans the rewrite of one statement that makes an ``AzureLogHandler``."""

    def __init__(
        self, transform: OpenCensusTraces, names: Callable[[cst.CSTNode], set[str]]
    ) -> None:
        self._transform = transform
        self._names = names
        self._taken: Optional[set[str]] = None

    def plan(self, module: cst.Module, statement: cst.SimpleStatementLine) -> bool:
        """Rewrite ``statement`` if it makes a handler this maps; whether it did."""
        small = statement.body[0]
        value = small.value if isinstance(small, (cst.Assign, cst.Expr)) else None
        if isinstance(small, cst.Expr) and isinstance(value, cst.Call):
            if not (
                isinstance(value.func, cst.Attribute)
                and value.func.attr.value == "addHandler"
                and len(value.args) == 1
            ):
                return False
            value = value.args[0].value
        if not (isinstance(value, cst.Call) and self._maps(statement, value)):
            return False
        t = self._transform
        if self._taken is None:
            self._taken = names_in(module)
        provider = fresh_name(self._taken, "logger_provider")
        made = cst.parse_statement(f"{provider} = {t.otel(value, _SDK_LOGS, 'LoggerProvider')}()")
        exporter = cst.Call(cst.Name(t.otel(value, *_EXPORTER)), value.args)
        batch = t.otel(value, _SDK_LOGS + ".export", "BatchLogRecordProcessor")
        processor = cst.Call(cst.Name(batch), [cst.Arg(exporter)])
        added = cst.SimpleStatementLine(
            [
                cst.Expr(
                    cst.Call(
                        cst.parse_expression(f"{provider}.add_log_record_processor"),
                        [cst.Arg(processor)],
                    )
                )
            ]
        )
        handler = cst.Call(
            cst.Name(t.otel(value, _SDK_LOGS, "LoggingHandler")),
            [keyword("logger_provider", cst.Name(provider))],
        )
        where = t.state.position(value)
        for note in LOGS_NOTES:
            t.state.findings.append(Finding("opencensus-note", note, *where))
        comments = [
            cst.EmptyLine(indent=True, comment=cst.Comment(TODO_PREFIX + n)) for n in LOGS_NOTES
        ]
        made = made.with_changes(leading_lines=[*statement.leading_lines, *comments])
        rewritten = with_replaced(statement, value, handler).with_changes(leading_lines=[])
        t.replace_statement(statement, [made, added, rewritten])
        return True

    def _maps(self, statement: cst.SimpleStatementLine, call: cst.Call) -> bool:
        """An ``AzureLogHandler`` given at most ``connection_string=`` of no OpenCensus value."""
        return (
            AZURE_LOG_HANDLER in self._names(call.func)
            and not has_star_args(call)
            and all(
                a.keyword is not None and a.keyword.value == "connection_string" for a in call.args
            )
            and only_legacy_call(statement, call, self._names)
            and not any(
                n.split(".")[0] == ROOT for a in call.args for m in walk(a) for n in self._names(m)
            )
        )
