"""The project pre-pass that starts Django's instrumentation where the process starts.

``DjangoInstrumentor().instrument()`` adds its middleware to the settings when it runs, so it
must run once ``DJANGO_SETTINGS_MODULE`` is set and before Django loads the settings: right after
``os.environ.setdefault("DJANGO_SETTINGS_MODULE", "site.settings")`` in ``manage.py``,
``wsgi.py`` and ``asgi.py``, as OpenTelemetry's Django documentation does. Each such file of the
project whose settings module is migrated gets the call (test files do not: their process is
the test runner's): OpenCensus' middleware (``opencensus/django_settings.py``), or
django_opentracing's (``transforms/django_tracing.py``) when no other module of the project reads
its settings (views decorated with ``settings.OPENTRACING_TRACING.trace()``). Runs before the
index, like the test-double pre-pass; settings modules taken without a start-up file found still
get an entry (an empty list), so their transform knows the pre-pass took them.
"""

from __future__ import annotations

import os
from typing import Optional, Union

import libcst as cst
from libcst.helpers import get_full_name_for_node
from libcst.metadata import MetadataWrapper

from otelbridge.migration_tool import django_views
from otelbridge.migration_tool.django_lists import INSTRUMENTOR, PACKAGE
from otelbridge.migration_tool.findings import TODO_PREFIX
from otelbridge.migration_tool.imports import add_imports
from otelbridge.migration_tool.opencensus import django_settings as opencensus
from otelbridge.migration_tool.prefilter import (
    DJANGO_SETTINGS_VARIABLE,
    OPENTRACING_SETTINGS,
    starts_django,
)
from otelbridge.migration_tool.transforms import django_tracing as opentracing
from otelbridge.migration_tool.transforms.base import literal


def plan(sources: dict[str, str]) -> tuple[dict[str, str], dict[str, list[str]]]:
    """For ``sources`` (path -> text): the start-up files' new texts, and for each settings
    module migrated, the start-up files that now start the instrumentation."""
    excluded = {os.path.abspath(p): _migrated(p, text, sources) for p, text in sources.items()}
    settings = [path for path, paths in excluded.items() if paths is not None]
    rewritten: dict[str, str] = {}
    started: dict[str, list[str]] = {s: [] for s in settings}
    if not settings:
        return rewritten, started
    root = os.path.commonpath([os.path.dirname(os.path.abspath(p)) for p in sources])
    for path, text in sources.items():
        if not starts_django(text) or "DjangoInstrumentor" in text or _is_test(path, root):
            continue
        try:
            module = cst.parse_module(text)
        except cst.ParserSyntaxError:
            continue
        finder = _Setting()
        module.visit(finder)
        chosen = {
            statement: served
            for statement, value in finder.found
            if (served := [s for m in finder.modules(value) for s in _settings_of(m, settings)])
        }
        if not chosen:
            continue
        served = sorted({s for found in chosen.values() for s in found})
        here = os.path.dirname(os.path.abspath(path))
        where = ", ".join(os.path.relpath(s, here) for s in served)
        note = f"{TODO_PREFIX}pip install {PACKAGE}: it replaces the tracing middleware of {where}"
        paths = sorted({p for s in served for p in excluded[s] or ()})
        new = module.visit(_Started(set(chosen), note, opencensus.excluded_urls(paths)))
        rewritten[path] = add_imports(new, [(*INSTRUMENTOR, None)]).code
        for setting in served:
            started.setdefault(setting, []).append(os.path.abspath(path))
    return rewritten, started


def _is_test(path: str, root: str) -> bool:
    """Whether ``path`` is a test module or in a test folder of the project under ``root``."""
    parts = os.path.relpath(os.path.abspath(path), root).split(os.sep)
    return any(part.startswith(("test", "conftest")) for part in parts)


def _migrated(path: str, text: str, sources: dict[str, str]) -> Optional[list[str]]:
    """The paths the settings module ``path`` keeps out of tracing, if the migration takes it
    (``None``: it does not)."""
    try:
        if opencensus.MIDDLEWARE_PATH in text:
            found = opencensus.read(cst.parse_module(text))
            return found.excluded if isinstance(found, opencensus.DjangoSettings) else None
        if opentracing.MIDDLEWARE_PATH in text and not any(
            _reads_opentracing_settings(t) for p, t in sources.items() if p != path
        ):
            tracing = opentracing.read(cst.parse_module(text))
            return [] if isinstance(tracing, opentracing.DjangoTracingSettings) else None
    except cst.ParserSyntaxError:
        pass
    return None


def _reads_opentracing_settings(text: str) -> bool:
    """Whether a module may read django_opentracing's settings or objects (a test of the
    middleware, another settings module) other than as views whose uses of the tracing object
    convert with the settings (``django_views.py``: ``get_span()``, ``tracer``, ``trace()``)."""
    if opentracing.APP_PATH in text:
        return True
    if OPENTRACING_SETTINGS not in text:
        return False
    try:
        module = cst.parse_module(text)
    except cst.ParserSyntaxError:
        return True
    return not isinstance(django_views.read(MetadataWrapper(module)), django_views.ViewsReads)


def _settings_of(module: str, settings: list[str]) -> list[str]:
    """The migrated settings files the dotted ``module`` loads: the module itself, or one beside
    it in its package (``site.settings.prod`` importing ``site/settings/base.py``)."""
    relative = os.path.join(*module.split("."))
    package = os.path.dirname(relative)
    return [
        s
        for s in settings
        if s.endswith(os.sep + relative + ".py")
        or s.endswith(os.path.join(os.sep + relative, "__init__.py"))
        or (package and os.path.dirname(s).endswith(os.sep + package))
    ]


class _Setting(cst.CSTVisitor):
    """The statements that set ``DJANGO_SETTINGS_MODULE``, and the names the module binds."""

    def __init__(self) -> None:
        super().__init__()
        self.found: list[tuple[cst.SimpleStatementLine, cst.BaseExpression]] = []
        self._bound: dict[str, list[cst.BaseExpression]] = {}

    def visit_SimpleStatementLine(self, node: cst.SimpleStatementLine) -> None:
        value = _settings_value(node.body[0]) if len(node.body) == 1 else None
        if value is not None:
            self.found.append((node, value))

    def visit_Assign(self, node: cst.Assign) -> None:
        for target in node.targets:
            if isinstance(target.target, cst.Name):
                self._bound.setdefault(target.target.value, []).append(node.value)

    def modules(self, value: cst.BaseExpression, depth: int = 0) -> list[str]:
        """The module names ``value`` may be: a string, either branch of ``a if c else b``, or
        what a name of the module is bound to (``settings_module = 'site.prod' if ... else
        'site.settings'``)."""
        if depth > 3:
            return []
        if isinstance(value, cst.IfExp):
            return self.modules(value.body, depth + 1) + self.modules(value.orelse, depth + 1)
        if isinstance(value, cst.Name):
            return [m for v in self._bound.get(value.value, []) for m in self.modules(v, depth + 1)]
        module = literal(value)
        return [module] if isinstance(module, str) and module else []


def _settings_value(small: cst.BaseSmallStatement) -> Optional[cst.BaseExpression]:
    """``os.environ.setdefault("DJANGO_SETTINGS_MODULE", m)`` or ``os.environ[...] = m``: ``m``."""
    key: Union[cst.BaseExpression, None] = None
    value: Union[cst.BaseExpression, None] = None
    if isinstance(small, cst.Expr) and isinstance(small.value, cst.Call):
        call = small.value
        if get_full_name_for_node(call.func) == "os.environ.setdefault" and len(call.args) == 2:
            key, value = call.args[0].value, call.args[1].value
    elif isinstance(small, cst.Assign) and len(small.targets) == 1:
        target = small.targets[0].target
        if (
            isinstance(target, cst.Subscript)
            and get_full_name_for_node(target.value) == "os.environ"
            and len(target.slice) == 1
            and isinstance(target.slice[0].slice, cst.Index)
        ):
            key, value = target.slice[0].slice.value, small.value
    return value if key is not None and literal(key) == DJANGO_SETTINGS_VARIABLE else None


class _Started(cst.CSTTransformer):
    """Puts ``DjangoInstrumentor().instrument()`` after each of the ``chosen`` statements."""

    def __init__(self, chosen: set[cst.SimpleStatementLine], note: str, excluded: str) -> None:
        """``excluded``: the ``excluded_urls=`` it is given ("": none)."""
        super().__init__()
        self._chosen = chosen
        self._note = note
        self._excluded = excluded

    def leave_SimpleStatementLine(
        self, original_node: cst.SimpleStatementLine, updated_node: cst.SimpleStatementLine
    ) -> Union[cst.SimpleStatementLine, cst.FlattenSentinel[cst.SimpleStatementLine]]:
        if original_node not in self._chosen:
            return updated_node
        given = f"excluded_urls={self._excluded!r}" if self._excluded else ""
        call = cst.parse_statement(f"{INSTRUMENTOR[1]}().instrument({given})\n")
        started = cst.ensure_type(call, cst.SimpleStatementLine).with_changes(
            leading_lines=[cst.EmptyLine(indent=True, comment=cst.Comment(self._note))]
        )
        return cst.FlattenSentinel([updated_node, started])
