"""pytest fixtures that return a ``MockTracer``, and the tests that read its spans.

``def tracer(): return MockTracer()`` gives each test a tracer whose spans the test reads back
(``tracer.finished_spans()``). An OpenTelemetry tracer does not hold its spans: the exporter
does. So the fixture gets a companion fixture making that exporter, which it records into, and a
test reading the spans asks pytest for the exporter too (pytest gives the test and the fixture
the same instance)::

    @pytest.fixture
    def tracer_exporter():
        return InMemorySpanExporter()

    @pytest.fixture
    def tracer(tracer_exporter):
        provider = TracerProvider()
        provider.add_span_processor(SimpleSpanProcessor(tracer_exporter))
        return provider.get_tracer(__name__)

    def test_work(tracer, tracer_exporter):
        ...
        assert tracer_exporter.get_finished_spans()

A fixture qualifies when every ``return`` of it makes a ``MockTracer`` and nothing else about it
would make the companion differ (no ``yield``, no ``name=``/``params=``/``autouse=``, no
parameter defaults): both sides decide it from the same text with :func:`exporter_fixture`.
"""

from __future__ import annotations

import ast
from typing import Optional

import libcst as cst

from otelbridge.migration_tool.engine import fixtures
from otelbridge.migration_tool.engine.index import Function, Module, ProjectIndex
from otelbridge.migration_tool.model import LegacyModel
from otelbridge.migration_tool.names import MOCK_TRACERS

_CLASS_NAMES = frozenset(name.rsplit(".", 1)[1] for name in MOCK_TRACERS)
_MODULES = frozenset(name.rsplit(".", 1)[0] for name in MOCK_TRACERS)
#: decorator keywords the companion fixture copies as they are
_COPIED = frozenset({"scope"})
_parsed: dict[str, tuple[str, Optional[ast.Module]]] = {}


def _tree(path: str, text: str) -> Optional[ast.Module]:
    cached = _parsed.get(path)
    if cached is None or cached[0] is not text:
        try:
            tree: Optional[ast.Module] = ast.parse(text)
        except (SyntaxError, ValueError):
            tree = None
        if len(_parsed) > 32:  # a few conftest files are asked again and again: keep few
            _parsed.clear()
        cached = _parsed[path] = (text, tree)
    return cached[1]


def _imports_mock(tree: ast.Module) -> set[str]:
    """Local names of the ``MockTracer`` class (``from opentracing.mocktracer import ...``)."""
    names = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.module in _MODULES:
            names |= {a.asname or a.name for a in node.names if a.name in _CLASS_NAMES}
    return names


def _function(tree: ast.Module, qualname: str) -> Optional[ast.FunctionDef]:
    body: list[ast.stmt] = tree.body
    found: Optional[ast.FunctionDef] = None
    for part in qualname.split("."):
        found = None
        for statement in body:
            if isinstance(statement, (ast.ClassDef, ast.FunctionDef)) and statement.name == part:
                body = statement.body
                found = statement if isinstance(statement, ast.FunctionDef) else None
                break
        else:
            return None
    return found


def exporter_fixture(path: str, text: str, qualname: str) -> Optional[str]:
    """The companion exporter fixture's name for the fixture ``qualname`` of the module at
    ``path`` (source ``text``), if that fixture qualifies (see the module docstring)."""
    tree = _tree(path, text)
    function = _function(tree, qualname) if tree is not None else None
    if tree is None or function is None:
        return None
    name = fixtures.fixture_name(function)
    if name is None or name != function.name:
        return None
    for decorator in function.decorator_list:
        if isinstance(decorator, ast.Call) and (
            decorator.args or {k.arg for k in decorator.keywords} - _COPIED
        ):
            return None
    arguments = function.args
    if arguments.defaults or arguments.kw_defaults or arguments.vararg or arguments.kwarg:
        return None
    classes = _imports_mock(tree)
    returns = []
    for node in ast.walk(function):
        if isinstance(node, (ast.Yield, ast.YieldFrom)):
            return None
        if isinstance(node, ast.Return):
            returns.append(node.value)
    made = [
        isinstance(v, ast.Call) and isinstance(v.func, ast.Name) and v.func.id in classes
        for v in returns
    ]
    if not made or not all(made):
        return None
    exporter = f"{name}_exporter"
    taken = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Name):
            taken.add(node.id)
        elif isinstance(node, ast.FunctionDef):
            taken.add(node.name)
        elif isinstance(node, ast.arg):
            taken.add(node.arg)
    return None if exporter in taken else exporter


def exporter_for(
    index: ProjectIndex, module: Module, function: Function, param: str
) -> Optional[str]:
    """The exporter fixture pytest would give the test ``function`` beside the mock fixture
    that fills its parameter ``param``, if that fixture qualifies."""
    key = fixtures.result(index, module, function, param)
    if key is None or key[1] not in index.sources:
        return None
    return exporter_fixture(key[1], index.sources[key[1]], key[2])


def requested_exporter(
    model: LegacyModel, receiver: cst.BaseExpression
) -> Optional[tuple[cst.FunctionDef, str]]:
    """For ``tracer`` in ``tracer.finished_spans()`` a parameter of the test (or fixture) it is
    read in, filled by a qualifying mock fixture: that function and the exporter fixture it
    is to request."""
    project = model.project
    scope = model.scope(receiver)
    function = getattr(scope, "node", None)
    if project is None or not isinstance(receiver, cst.Name):
        return None
    if not isinstance(function, cst.FunctionDef):
        return None
    if receiver.value not in {p.name.value for p in function.params.params}:
        return None
    index, module = project
    found = index.function(module, model.qualname(receiver))
    exporter = exporter_for(index, module, found, receiver.value) if found else None
    return None if exporter is None else (function, exporter)
