"""Django's ``OpencensusMiddleware`` set-up -> ``configure()`` in the settings module.

opencensus-ext-django is set up in ``settings.py`` alone: the middleware's dotted path in
``MIDDLEWARE`` and ``OPENCENSUS = {'TRACE': {'SAMPLER': '...', 'EXPORTER': '...', 'PROPAGATOR':
'...'}}``, strings the middleware evaluates (``opencensus.common.configuration.load``). Once
migrated, the settings module makes the SDK set-up, ``configure(...)`` in place of
``OPENCENSUS``, and no longer names the middleware (nor the ``opencensus.ext.django`` app). The
instrumentation itself, ``DjangoInstrumentor().instrument()``, reads the settings when it runs,
so it cannot run inside them: it goes where the process starts (:mod:`.django_entry`).

:func:`read` decides on the tree alone (no metadata), so the project pre-pass that places the
instrumentation and the transform that rewrites the settings always agree.
"""

from __future__ import annotations

import dataclasses
from typing import TYPE_CHECKING, Optional, Union

import libcst as cst
from libcst.helpers import get_full_name_for_node

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
INSTRUMENTOR = ("opentelemetry.instrumentation.django", "DjangoInstrumentor")
PACKAGE = "opentelemetry-instrumentation-django"
RULE = "opencensus-django"
_LISTS = ("MIDDLEWARE", "MIDDLEWARE_CLASSES", "INSTALLED_APPS")
_SETTING = "OPENCENSUS"
#: ``OPENCENSUS['TRACE']`` keys -> the set-up part each one is
_TRACE_KEYS = {"SAMPLER": "sampler", "EXPORTER": "exporter", "PROPAGATOR": "propagator"}
_NO_SPACE = cst.SimpleWhitespace("")
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


def read(module: cst.Module) -> Union[DjangoSettings, str, None]:
    """The Django set-up of ``module``; ``None`` if it has none, or why it cannot be migrated."""
    lists: dict[cst.SimpleStatementLine, list[cst.Element]] = {}
    additions: list[cst.SimpleStatementLine] = []
    settings: list[cst.SimpleStatementLine] = []
    named = stray = False  # the middleware named at all; a path named where it cannot go
    for statement in _module_statements(module.body):
        small = statement.body[0] if len(statement.body) == 1 else None
        strings = _strings(statement)
        named = named or any(_is_path(s, MIDDLEWARE_PATH) for s in strings)
        found = _path_elements(small)
        if found is None:
            if isinstance(small, (cst.Assign, cst.AnnAssign)) and _target(small) == _SETTING:
                settings.append(statement)
            elif any(_is_path(s, MIDDLEWARE_PATH) or _is_path(s, APP_PATH) for s in strings):
                stray = True
        elif found[1]:
            additions.append(statement)
        elif found[0]:
            lists[statement] = found[0]
    if not named:
        return None
    if stray:
        return "the middleware's path is named where it cannot be removed"
    if len(settings) > 1:
        return f"{_SETTING} is bound more than once"
    setting = settings[0] if settings else None
    try:
        given, metrics = _trace_values(setting)
        mapper = SetupMapper(ModuleFacts(module, {}, {}, _Names(module)))
        setup = mapper.values(given, f"{_SETTING}['TRACE']")
    except ValueError as exc:
        return str(exc)
    if metrics:
        setup.notes.append(METRICS_NOTE)
    return DjangoSettings(lists, additions, setting, setup)


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
            for statement in _module_statements(module.body):
                if any(_is_path(n, MIDDLEWARE_PATH) for n in _strings(statement)):
                    reason = f"Django middleware kept: {found}"
                    transform.state.flag(statement, RULE, reason, statement)
            return True
        for statement, elements in found.lists.items():
            transform.replace_statement(statement, [_without(statement, elements)])
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


def _module_statements(body: object) -> list[cst.SimpleStatementLine]:
    """The simple statements a module runs when imported: its own, and those in its ``if``,
    ``try`` and ``with`` blocks (not in functions or classes)."""
    found: list[cst.SimpleStatementLine] = []
    for statement in body:  # type: ignore[attr-defined]  # a statement sequence
        if isinstance(statement, cst.SimpleStatementLine):
            found.append(statement)
        elif isinstance(statement, (cst.If, cst.Try, cst.With, cst.Else, cst.Finally)):
            found += _module_statements(statement.body.body)
            more = [getattr(statement, "orelse", None), getattr(statement, "finalbody", None)]
            for part in [*getattr(statement, "handlers", ()), *more]:
                if part is not None:
                    found += _module_statements(
                        part.body.body if isinstance(part.body, cst.IndentedBlock) else [part]
                    )
    return found


def _target(small: Union[cst.Assign, cst.AnnAssign, cst.AugAssign]) -> Optional[str]:
    if isinstance(small, cst.Assign):
        targets = [t.target for t in small.targets]
        return targets[0].value if len(targets) == 1 and isinstance(targets[0], cst.Name) else None
    return small.target.value if isinstance(small.target, cst.Name) else None


def _path_elements(
    small: Optional[cst.BaseSmallStatement],
) -> Optional[tuple[list[cst.Element], bool]]:
    """The middleware and app path elements of a ``MIDDLEWARE`` (or ``INSTALLED_APPS``) list
    statement, and whether they are all it adds; ``None`` if it is not such a statement."""
    value: Optional[cst.BaseExpression] = None
    if isinstance(small, (cst.Assign, cst.AugAssign)) and _target(small) in _LISTS:
        value = small.value
    elif (
        isinstance(small, cst.Expr)
        and isinstance(small.value, cst.Call)
        and isinstance(small.value.func, cst.Attribute)
        and get_full_name_for_node(small.value.func.value) in _LISTS
        and small.value.func.attr.value in ("append", "insert")
        and small.value.args
    ):
        last = small.value.args[-1].value
        return ([], True) if _is_path(last, MIDDLEWARE_PATH) or _is_path(last, APP_PATH) else None
    if not isinstance(value, (cst.List, cst.Tuple)):
        return None
    elements = [
        e
        for e in value.elements
        if isinstance(e, cst.Element)
        and (_is_path(e.value, MIDDLEWARE_PATH) or _is_path(e.value, APP_PATH))
    ]
    return elements, bool(elements) and len(elements) == len(value.elements) and isinstance(
        small, cst.AugAssign
    )


def _strings(node: cst.CSTNode) -> list[cst.BaseExpression]:
    found: list[cst.BaseExpression] = []

    class _Strings(cst.CSTVisitor):
        def visit_SimpleString(self, string: cst.SimpleString) -> None:
            found.append(string)

    node.visit(_Strings())
    return found


def _is_path(node: cst.BaseExpression, path: str) -> bool:
    return literal(node) == path


def _trace_values(
    setting: Optional[cst.SimpleStatementLine],
) -> tuple[dict[str, Optional[cst.Arg]], bool]:
    """``OPENCENSUS['TRACE']``'s sampler, exporter and propagator (calls, or strings parsed as
    the calls they spell), and whether the setting has a ``METRICS`` part."""
    given: dict[str, Optional[cst.Arg]] = dict.fromkeys(_TRACE_KEYS.values())
    if setting is None:
        return given, False
    small = setting.body[0]
    assert isinstance(small, (cst.Assign, cst.AnnAssign))  # read(): ``OPENCENSUS = ...``
    parts = _entries(small.value, _SETTING)
    if set(parts) - {"TRACE", "METRICS"}:  # METRICS: opencensus-ext-django never read it
        raise ValueError(f"{_SETTING} has parts other than TRACE")
    trace = parts.get("TRACE")
    if trace is None:
        return given, "METRICS" in parts
    for key, entry in _entries(trace, f"{_SETTING}['TRACE']").items():
        if key not in _TRACE_KEYS:
            raise ValueError(f"{_SETTING}['TRACE'][{key!r}] has no OpenTelemetry set-up here")
        text = literal(entry)
        if isinstance(entry, cst.Call):  # the object itself, made with the module's imports
            given[_TRACE_KEYS[key]] = cst.Arg(entry)
            continue
        if not isinstance(text, str):
            raise ValueError(f"{_SETTING}['TRACE'][{key!r}] is neither a string nor a call")
        try:
            parsed = cst.parse_expression(text.strip())
        except cst.ParserSyntaxError:
            raise ValueError(f"{_SETTING}['TRACE'][{key!r}] is not an expression") from None
        if not isinstance(parsed, cst.Call):
            raise ValueError(f"{_SETTING}['TRACE'][{key!r}] is not a call")
        given[_TRACE_KEYS[key]] = cst.Arg(_one_line(parsed))
    return given, "METRICS" in parts


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


class _Names:
    """The dotted name a settings value spells: written out in a string, or through the names
    the module imports (``"SAMPLER": ProbabilitySampler(rate=r)``); read on the tree alone."""

    def __init__(self, module: cst.Module) -> None:
        self._imported: dict[str, str] = {}
        for statement in _module_statements(module.body):
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


def _without(statement: cst.SimpleStatementLine, dropped: list[cst.Element]) -> cst.CSTNode:
    """``statement`` whose list no longer holds the ``dropped`` elements; the whitespace after
    each dropped element moves to the one before it, so the closing bracket keeps its place."""
    small = statement.body[0]
    assert isinstance(small, (cst.Assign, cst.AugAssign))  # read(): a list statement
    value = small.value
    assert isinstance(value, (cst.List, cst.Tuple))
    kept: list[cst.BaseElement] = []
    for element in value.elements:
        if element not in dropped:
            kept.append(element)
        elif kept and isinstance(element.comma, cst.Comma):
            previous = kept[-1].comma
            if isinstance(previous, cst.Comma):
                moved = previous.with_changes(whitespace_after=element.comma.whitespace_after)
                kept[-1] = kept[-1].with_changes(comma=moved)
        elif kept:  # the last element went: so does the comma before it
            kept[-1] = kept[-1].with_changes(comma=cst.MaybeSentinel.DEFAULT)
    listed = value.with_changes(elements=kept) if kept else type(value)([])
    return statement.with_changes(body=[small.with_changes(value=listed)])
