"""FlaskInstrumentor ``request_hook`` functions that keep a legacy Flask integration's span names.

Dashboards, alerts and saved queries select a service's request spans by the name and tags the
legacy integration gave them, which the bridge keeps recording: Flask-OpenTracing names the span
after the view (``request.endpoint``), OpenCensus' ``FlaskMiddleware`` ``[METHOD]url``.
FlaskInstrumentor names it ``METHOD /route``. So the migrated set-up passes the instrumentor a
hook, written next to it, that renames its SERVER span and sets the legacy tags the instrumentor
does not write itself (it writes the others with the same values, and its own beside them). With
``--semconv stable`` no hook is written: the instrumentor's names are the ones asked for.
"""

from __future__ import annotations

import textwrap
from dataclasses import dataclass
from typing import Optional, Sequence

import libcst as cst
from libcst.metadata import GlobalScope, QualifiedNameSource

from otelbridge.migration_tool.state import SEMCONV_KEY
from otelbridge.migration_tool.transforms.arguments import free_name
from otelbridge.migration_tool.transforms.base import LegacyTransform
from otelbridge.semconv import STABLE


@dataclass(frozen=True)
class LegacyNaming:
    """How one legacy Flask integration named and tagged the request's span."""

    integration: str
    #: the hook's name in the migrated module
    function: str
    #: the hook's body after its comment; ``request`` stands for ``flask.request``
    body: str
    #: what the integration called its span's fields
    tags: str
    #: the legacy tags FlaskInstrumentor records itself, with the same values
    recorded: str


FLASK_OPENTRACING = LegacyNaming(
    "Flask-OpenTracing",
    "flask_opentracing_span",
    "if request.endpoint:  # the view's name (None: no route matched)\n"
    "    span.update_name(request.endpoint)\n"
    "span.set_attributes(\n"
    '    {"component": "Flask", "http.url": request.base_url, "span.kind": "server"}\n'
    ")\n",
    "tags",
    "http.method and http.status_code",
)
OPENCENSUS_FLASK = LegacyNaming(
    "OpenCensus FlaskMiddleware",
    "opencensus_flask_span",
    'span.update_name(f"[{request.method}]{request.url}")\n'
    'span.set_attributes({"http.path": request.path, "http.url": request.url})\n',
    "attributes",
    "http.host, http.method, http.route and http.status_code",
)


def request_hook_skipped(transform: LegacyTransform) -> bool:
    """Whether no hook is written: ``--semconv stable`` asks for the instrumentor's names."""
    return transform.state.context.scratch.get(SEMCONV_KEY) == STABLE


def request_hook(
    transform: LegacyTransform, call: cst.Call, naming: LegacyNaming, traced: Sequence[str] = ()
) -> Optional[tuple[str, cst.FunctionDef]]:
    """The hook for the set-up ``call`` replaces, to define just before the instrumentor call:
    its name and definition (``None`` under ``--semconv stable``). ``traced`` names the request
    attributes the set-up recorded as tags (Flask-OpenTracing's ``traced_attributes``)."""
    if request_hook_skipped(transform):
        return None
    name = free_name(transform, call, naming.function)
    request = _flask_request(transform, call)
    trace = transform.otel(call, "opentelemetry", "trace")
    body = naming.body.replace("request.", request + ".")
    if traced:  # as Flask-OpenTracing records them: str() of each one that is set and not empty
        body += (
            f"for name in {tuple(traced)!r}:  # traced_attributes=\n"
            f'    value = getattr({request}, name, "")\n'
            '    if value not in ("", b""):\n'
            "        span.set_attribute(name, str(value))\n"
        )
    comment = (
        f"{naming.integration}'s span name and {naming.tags}, which dashboards and alerts "
        f"select on (FlaskInstrumentor sets {naming.recorded} itself)"
    )
    source = (
        f"def {name}(span: {trace}.Span, environ: object) -> None:\n"
        + "".join(f"    # {line}\n" for line in textwrap.wrap(comment, 76))
        + "".join(f"    {line}\n" for line in body.splitlines())
    )
    definition = cst.parse_statement(source)
    assert isinstance(definition, cst.FunctionDef)
    return name, definition.with_changes(leading_lines=_blank(transform.model.scope(call)))


def hooked(
    hook: Optional[tuple[str, cst.FunctionDef]], template: str, leading: Sequence[cst.EmptyLine]
) -> tuple[list[cst.FunctionDef], str, list[cst.EmptyLine]]:
    """The definitions to put before the instrumentor call, its ``template``
    (``<local>().instrument_app(APP)``) with the hook passed, and the call's leading lines
    (``leading``, the set-up's, after a blank line when the hook's definition precedes them)."""
    if hook is None:
        return [], template, list(leading)
    name, definition = hook
    lines = list(leading)
    while lines and lines[0].comment is None:  # the definition's blank lines are enough
        lines.pop(0)
    call = template.replace("(APP)", f"(APP, request_hook={name})")
    return [definition], call, [*definition.leading_lines, *lines]


def _flask_request(transform: LegacyTransform, call: cst.Call) -> str:
    """``flask.request`` where the module imports ``flask``, else ``request`` imported from it."""
    scope = transform.model.scope(call)
    if scope is not None and any(
        name.name == "flask" and name.source is QualifiedNameSource.IMPORT
        for name in scope.get_qualified_names_for("flask")
    ):
        return "flask.request"
    return transform.otel(call, "flask", "request")


def _blank(scope: object) -> list[cst.EmptyLine]:
    """Two blank lines around a definition at module level, one inside a function (PEP 8)."""
    return [cst.EmptyLine(indent=False)] * (2 if isinstance(scope, GlobalScope) else 1)
