"""Django's ``OpencensusMiddleware`` set-up -> ``configure()`` in the settings module.

opencensus-ext-django is set up in ``settings.py`` alone: the middleware's dotted path in
``MIDDLEWARE`` and ``OPENCENSUS = {'TRACE': {'SAMPLER': '...', 'EXPORTER': '...', 'PROPAGATOR':
'...'}}``, strings the middleware evaluates (``opencensus.common.configuration.load``). Once
migrated, the settings module makes the SDK set-up, ``configure(...)`` in place of
``OPENCENSUS``, and no longer names the middleware (nor the ``opencensus.ext.django`` app). The
instrumentation itself, ``DjangoInstrumentor().instrument()``, reads the settings when it runs,
so it cannot run inside them: it goes where the process starts (``django_entry.py``).

:func:`read` decides on the tree alone (no metadata), so the project pre-pass that places the
instrumentation and the transform that rewrites the settings always agree.
"""

from __future__ import annotations

import dataclasses
import re
from typing import TYPE_CHECKING, Optional, Union

import libcst as cst
from libcst.helpers import get_full_name_for_node

from otelbridge.migration_tool.django_lists import (
    PACKAGE,
    SettingsScan,
    mark_kept,
    module_statements,
    scan,
    without,
)
from otelbridge.migration_tool.findings import TODO_PREFIX, Finding
from otelbridge.migration_tool.opencensus.analysis import ModuleFacts
from otelbridge.migration_tool.opencensus.names import canonical
from otelbridge.migration_tool.opencensus.setup import Setup, SetupMapper, configure_call, packages
from otelbridge.migration_tool.transforms.base import literal

if TYPE_CHECKING:
    from otelbridge.migration_tool.opencensus.traces import OpenCensusTraces

MIDDLEWARE_PATH = "opencensus.ext.django.middleware.OpencensusMiddleware"
#: the integration's Django app (some settings list it in ``INSTALLED_APPS``; it defines nothing)
APP_PATH = "opencensus.ext.django"
RULE = "opencensus-django"
_SETTING = "OPENCENSUS"
#: ``OPENCENSUS['TRACE']`` keys -> the set-up part each one is
_TRACE_KEYS = {"SAMPLER": "sampler", "EXPORTER": "exporter", "PROPAGATOR": "propagator"}
_NO_SPACE = cst.SimpleWhitespace("")
#: the paths left untraced: ``EXCLUDELIST_PATHS`` (``BLACKLIST_PATHS`` before 0.7.13)
_EXCLUDED_KEYS = ("EXCLUDELIST_PATHS", "BLACKLIST_PATHS")
EXCLUDED_NOTE = (
    "the paths OpenCensus did not trace ({}) are DjangoInstrumentor().instrument()'s "
    "excluded_urls= (regexes on the whole URL) where the process starts"
)
_NAMES_NOTE = (
    "request spans follow OpenTelemetry's HTTP conventions now (OpenCensus named them after "
    "the view function, with http.host, http.path, http.route and http.url attributes)"
)
_DATABASE_NOTE = (
    "OpenCensus' Django middleware also traced SQL queries: instrument the database driver "
    "(opentelemetry-instrumentation-psycopg2, -dbapi, ...) to keep them"
)
METRICS_NOTE = (
    "OPENCENSUS['METRICS'] went too: OpenCensus' Django middleware never read it (metrics are "
    "exported by configure(metric_readers=[...]))"
)
STARTED_NOTE = "DjangoInstrumentor().instrument() is called where the process starts: {}"
UNSTARTED_NOTE = (
    "call DjangoInstrumentor().instrument() (opentelemetry.instrumentation.django) where the "
    "process starts, once DJANGO_SETTINGS_MODULE is set (manage.py, wsgi.py, asgi.py): it reads "
    "these settings, so it cannot run in them"
)


@dataclasses.dataclass
class DjangoSettings:
    """A settings module's OpenCensus set-up, found by :func:`read`."""

    #: ``MIDDLEWARE``/``INSTALLED_APPS`` statements holding the paths, with the elements to drop
    lists: dict[cst.SimpleStatementLine, list[cst.Element]]
    #: statements that only add the paths (``MIDDLEWARE += [...]``, ``.append(...)``): they go
    additions: list[cst.SimpleStatementLine]
    #: ``OPENCENSUS = {...}``, which ``configure()`` replaces (``None``: OpenCensus' defaults)
    setting: Optional[cst.SimpleStatementLine]
    setup: Setup
    #: the paths ``EXCLUDELIST_PATHS`` (or its older name) kept out of tracing
    excluded: list[str] = dataclasses.field(default_factory=list)


def read(module: cst.Module) -> Union[DjangoSettings, str, None]:
    """The Django set-up of ``module``; ``None`` if it has none, or why it cannot be migrated."""
    found = scan(module, MIDDLEWARE_PATH, APP_PATH, lambda name: name == _SETTING)
    if not isinstance(found, SettingsScan):
        return found
    settings = found.settings.get(_SETTING, [])
    if len(settings) > 1:
        return f"{_SETTING} is bound more than once"
    setting = settings[0] if settings else None
    try:
        small = setting.body[0] if setting is not None else None
        value = small.value if isinstance(small, (cst.Assign, cst.AnnAssign)) else None
        setup, metrics, excluded = settings_setup(module, value, _SETTING)
    except ValueError as exc:
        return str(exc)
    if metrics:
        setup.notes.append(METRICS_NOTE)
    if excluded:
        setup.notes.append(EXCLUDED_NOTE.format(", ".join(excluded)))
    return DjangoSettings(found.lists, found.additions, setting, setup, excluded)


class DjangoSettingsPlan:
    """Rewrites a settings module :func:`read` accepts; marks one it refuses with its reason."""

    def __init__(self, transform: OpenCensusTraces, entries: list[str]) -> None:
        """``entries``: the files the project pre-pass gave the instrumentation to."""
        self._transform = transform
        self._entries = entries

    def plan(self, module: cst.Module) -> bool:
        """Whether ``module`` is a Django settings module with OpenCensus' middleware."""
        found = read(module)
        transform = self._transform
        if found is None:
            return False
        if isinstance(found, str):
            mark_kept(transform.state, module, MIDDLEWARE_PATH, RULE, found)
            return True
        for statement, elements in found.lists.items():
            transform.replace_statement(statement, [without(statement, elements)])
        for statement in found.additions:
            transform.replace_statement(statement, [])
        setup = found.setup
        setup.notes += [
            f"pip install {PACKAGE}",
            STARTED_NOTE.format(", ".join(self._entries)) if self._entries else UNSTARTED_NOTE,
            _NAMES_NOTE,
            _DATABASE_NOTE,
        ]
        setup.notes += [
            f"pip install {package} (the OpenTelemetry exporter that replaces this one)"
            for package in packages(transform, setup)
        ]
        anchor = found.setting or next(iter(found.lists), None) or found.additions[0]
        where = transform.state.position(anchor)
        for note in setup.notes:
            transform.state.findings.append(Finding(RULE, note, *where))
        comments = [
            cst.EmptyLine(indent=True, comment=cst.Comment(TODO_PREFIX + note))
            for note in setup.notes
        ]
        line = cst.SimpleStatementLine(
            [cst.Expr(configure_call(transform, anchor, setup))], leading_lines=comments
        )
        if found.setting is not None:
            line = line.with_changes(leading_lines=[*found.setting.leading_lines, *comments])
            transform.replace_statement(found.setting, [line])
        else:
            transform.insert_after(anchor, line)
        return True


def settings_setup(
    module: cst.Module, value: Optional[cst.BaseExpression], setting: str
) -> tuple[Setup, bool, list[str]]:
    """The set-up ``setting['TRACE']`` (``value``, the setting's dict literal; ``None``: not
    set) gives, whether it has a ``METRICS`` part, and the paths it does not trace; raises
    ``ValueError`` saying which part has no set-up equivalent. Its names are read through the
    module's imports (the strings are not part of the tree the module's scopes describe)."""
    given, metrics, excluded = _trace_values(value, setting)
    mapper = SetupMapper(ModuleFacts(module, {}, {}, _SettingsNames(module)))
    return mapper.values(given, f"{setting}['TRACE']"), metrics, excluded


def _trace_values(
    value: Optional[cst.BaseExpression], setting: str
) -> tuple[dict[str, Optional[cst.Arg]], bool, list[str]]:
    """``setting['TRACE']``'s sampler, exporter and propagator (calls, or strings parsed as the
    calls they spell) from ``value``, the setting's dict literal (``None``: not set), whether it
    has a ``METRICS`` part, and the paths it does not trace. Raises ``ValueError`` saying which
    part has no set-up equivalent."""
    given: dict[str, Optional[cst.Arg]] = dict.fromkeys(_TRACE_KEYS.values())
    excluded: list[str] = []
    if value is None:
        return given, False, excluded
    parts = _entries(value, setting)
    if set(parts) - {"TRACE", "METRICS"}:  # METRICS: the middlewares never read it
        raise ValueError(f"{setting} has parts other than TRACE")
    trace = parts.get("TRACE")
    if trace is None:
        return given, "METRICS" in parts, excluded
    where = f"{setting}['TRACE']"
    for key, entry in _entries(trace, where).items():
        if key in _EXCLUDED_KEYS:
            excluded += _paths(entry, f"{where}[{key!r}]")
            continue
        if key not in _TRACE_KEYS:
            raise ValueError(f"{where}[{key!r}] has no OpenTelemetry set-up here")
        text = literal(entry)
        if isinstance(entry, cst.Call):  # the object itself, made with the module's imports
            given[_TRACE_KEYS[key]] = cst.Arg(entry)
            continue
        if not isinstance(text, str):
            raise ValueError(f"{where}[{key!r}] is neither a string nor a call")
        try:
            parsed = cst.parse_expression(text.strip())
        except cst.ParserSyntaxError:
            raise ValueError(f"{where}[{key!r}] is not an expression") from None
        if not isinstance(parsed, cst.Call):
            raise ValueError(f"{where}[{key!r}] is not a call")
        given[_TRACE_KEYS[key]] = cst.Arg(_one_line(parsed))
    return given, "METRICS" in parts, excluded


def _paths(value: cst.BaseExpression, what: str) -> list[str]:
    """The paths of an ``EXCLUDELIST_PATHS`` list literal."""
    elements = value.elements if isinstance(value, (cst.List, cst.Tuple)) else None
    paths = [literal(e.value) for e in elements or ()]
    if elements is None or not all(isinstance(p, str) and "," not in p for p in paths):
        raise ValueError(f"{what} is not a literal list of paths")
    return [str(p) for p in paths]


def excluded_urls(paths: list[str]) -> str:
    """``DjangoInstrumentor().instrument(excluded_urls=)`` for OpenCensus' excluded paths: it
    skipped a request whose path, without its leading slash, starts with one of them; the
    instrumentation searches its regexes (comma-separated) in the request's whole URL."""
    return ",".join(r"^https?://[^/]+/" + re.escape(path) for path in paths)


def _entries(value: Optional[cst.BaseExpression], what: str) -> dict[str, cst.BaseExpression]:
    """A dict literal's string keys -> values."""
    if not isinstance(value, cst.Dict):
        raise ValueError(f"{what} is not a dict literal")
    entries = {}
    for element in value.elements:
        key = literal(element.key) if isinstance(element, cst.DictElement) else None
        if not isinstance(key, str) or not isinstance(element, cst.DictElement):
            raise ValueError(f"{what} has a key that is not a string")
        entries[key] = element.value
    return entries


def _one_line(call: cst.Call) -> cst.Call:
    """A call parsed from a settings string, without the string's line breaks."""
    return call.with_changes(
        whitespace_before_args=_NO_SPACE,
        args=[
            a.with_changes(comma=cst.MaybeSentinel.DEFAULT, whitespace_after_arg=_NO_SPACE)
            for a in call.args
        ],
    )


class _SettingsNames:
    """The dotted name a settings value spells: written out in a string, or through the names
    the module imports (``"SAMPLER": ProbabilitySampler(rate=r)``); read on the tree alone."""

    def __init__(self, module: cst.Module) -> None:
        self._imported: dict[str, str] = {}
        for statement in module_statements(module.body):
            for small in statement.body:
                if isinstance(small, (cst.Import, cst.ImportFrom)):
                    self._imported.update(_bound(small))

    def __call__(self, node: cst.CSTNode) -> set[str]:
        name = get_full_name_for_node(node)
        if not name:
            return set()
        head, _, rest = name.partition(".")
        if head in self._imported:
            name = self._imported[head] + ("." + rest if rest else "")
        return canonical({name})


def _bound(statement: Union[cst.Import, cst.ImportFrom]) -> dict[str, str]:
    """Local name -> the dotted name it imports."""
    if isinstance(statement.names, cst.ImportStar):
        return {}
    source = ""
    if isinstance(statement, cst.ImportFrom):
        if statement.relative or statement.module is None:
            return {}  # the project's own module: no OpenCensus name
        source = get_full_name_for_node(statement.module) or ""
    bound = {}
    for alias in statement.names:
        full = get_full_name_for_node(alias.name) or ""
        local = get_full_name_for_node(alias.asname.name) if alias.asname else None
        if isinstance(statement, cst.ImportFrom):
            bound[local or full] = f"{source}.{full}"
        elif local:
            bound[local] = full
    return bound
