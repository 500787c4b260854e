"""A module with several OpenCensus set-ups (a Tracer in a function, a middleware) gets one
``configure()``: the process has one tracer provider, and a second call would replace the first's
exporters. Set-ups equal but for their quotes are one call; set-ups that differ in their exporters
alone export to each; others keep both calls under a note saying the later one wins."""

from __future__ import annotations

import ast

from tests.migration_tool.projects import migrated_source

APP = """
from flask import Flask
from opencensus.ext.flask.flask_middleware import FlaskMiddleware
from opencensus.ext.zipkin.trace_exporter import ZipkinExporter
from opencensus.trace.print_exporter import PrintExporter
from opencensus.trace.samplers import AlwaysOnSampler
from opencensus.trace.tracer import Tracer

app = Flask(__name__)
middleware = FlaskMiddleware(
    app, exporter=ZipkinExporter(service_name="web"), sampler=AlwaysOnSampler()
)


def batch():
    tracer = Tracer(%s)
    with tracer.span(name="batch"):
        pass
"""


def _configures(code: str) -> list[str]:
    return [
        ast.unparse(node)
        for node in ast.walk(ast.parse(code))
        if isinstance(node, ast.Call) and ast.unparse(node.func) == "configure"
    ]


def test_set_ups_that_differ_in_their_exporters_alone_are_one_call_exporting_to_each() -> None:
    migrated = migrated_source(APP % "exporter=PrintExporter(), sampler=AlwaysOnSampler()")
    (call,) = _configures(migrated)
    assert "sampler='always_on'" in call and "service_name='web'" in call
    assert "ConsoleSpanExporter()" in call and "ZipkinExporter(" in call
    assert "every span goes to each exporter" in migrated


def test_set_ups_equal_but_for_their_quotes_are_one_call() -> None:
    migrated = migrated_source(
        APP % "exporter=ZipkinExporter(service_name='web'), sampler=AlwaysOnSampler()"
    )
    (call,) = _configures(migrated)
    assert call.count("ZipkinExporter(") == 1
    assert "every span goes to each exporter" not in migrated


def test_set_ups_with_other_samplers_keep_both_calls_under_a_note() -> None:
    migrated = migrated_source(APP % "exporter=PrintExporter()")  # OpenCensus' default sampler
    assert len(_configures(migrated)) == 2
    assert "the later call replaces the earlier one's sampler and exporters" in migrated
