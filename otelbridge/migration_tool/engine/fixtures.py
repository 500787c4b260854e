"""pytest fixtures: what a test's parameter holds when nothing in the project calls the test.

pytest fills a parameter of a test function (or of a fixture) with the value of the fixture of
that name: defined in the test's class, in its module, or in a ``conftest.py`` of its directory
or one above. That value is what the fixture returns, so the parameter has the kind of its
result (``def tracer(): return MockTracer()`` makes ``def test_x(tracer)`` hold a tracer) and
flows with it: converted together or kept together (:func:`provided`, :func:`results`). The
project index reads each module's fixtures with :func:`read`. A generator fixture gives what it
yields (:func:`give_yields`): to the index, that is its result.
"""

from __future__ import annotations

import ast
import os
from dataclasses import dataclass
from typing import TYPE_CHECKING, Iterable, Iterator, Optional

from otelbridge.migration_tool.engine.expr import dotted, from_ast

if TYPE_CHECKING:  # the index reads fixtures with this module: no import at run time
    from otelbridge.migration_tool.engine.index import Function, Module, ProjectIndex, SymbolKey

#: decorators (called or not) that make a function a pytest fixture
DECORATORS = frozenset({"pytest.fixture", "fixture", "pytest.yield_fixture", "yield_fixture"})


@dataclass
class Fixture:
    #: qualified name of the fixture function in its module (``TestX.tracer``)
    qualname: str


def read(tree: ast.Module) -> dict[str, list[Fixture]]:
    """The fixtures a module defines, by the name tests request them with."""
    found: dict[str, list[Fixture]] = {}
    for node, prefix in _functions(tree.body, []):
        name = fixture_name(node)
        if name is None:
            continue
        found.setdefault(name, []).append(Fixture(".".join([*prefix, node.name])))
    return found


def _functions(
    body: list[ast.stmt], prefix: list[str]
) -> Iterator[tuple[ast.FunctionDef | ast.AsyncFunctionDef, list[str]]]:
    """Functions of a module and of its classes (fixtures are defined at those levels)."""
    for statement in body:
        if isinstance(statement, (ast.FunctionDef, ast.AsyncFunctionDef)):
            yield statement, prefix
        elif isinstance(statement, ast.ClassDef):
            yield from _functions(statement.body, [*prefix, statement.name])


def fixture_name(node: ast.FunctionDef | ast.AsyncFunctionDef) -> Optional[str]:
    for decorator in node.decorator_list:
        call = decorator if isinstance(decorator, ast.Call) else None
        if dotted(from_ast(call.func if call else decorator)) not in DECORATORS:
            continue
        for keyword in call.keywords if call else ():
            if keyword.arg == "name" and isinstance(keyword.value, ast.Constant):
                return str(keyword.value.value)
        return node.name
    return None


def is_fixture(module: Module, qualname: str) -> bool:
    return any(f.qualname == qualname for found in module.fixtures.values() for f in found)


def give_yields(module: Module) -> None:
    """Make what each generator fixture of ``module`` yields its result (what pytest gives)."""
    for found in module.fixtures.values():
        for fixture in found:
            function = module.functions.get(fixture.qualname)
            if function is not None and function.yields:
                function.returns += function.yields


def requests_fixtures(qualname: str, fixtures: dict[str, list[Fixture]]) -> bool:
    """A test function or a fixture: pytest fills its parameters with fixtures."""
    own = qualname.rpartition(".")[2]
    return own.startswith("test") or any(
        f.qualname == qualname for found in fixtures.values() for f in found
    )


def lookup(
    modules: dict[str, dict[str, list[Fixture]]], path: str, qualname: str, name: str
) -> Optional[tuple[str, Fixture]]:
    """The fixture pytest gives the parameter ``name`` of the function ``qualname`` of the
    module at ``path`` (``modules``: path -> fixtures), and the path of its module: the closest
    one (its class, its module, then each ``conftest.py`` up the tree), never itself."""
    scopes = qualname.split(".")[:-1]
    own = modules.get(path, {})
    for depth in range(len(scopes), -1, -1):
        prefix = ".".join(scopes[:depth])
        for fixture in own.get(name, ()):
            parent = fixture.qualname.rpartition(".")[0]
            if parent == prefix and fixture.qualname != qualname:
                return path, fixture
    directory = os.path.dirname(path)
    while True:
        conftest = os.path.join(directory, "conftest.py")
        for fixture in modules.get(conftest, {}).get(name, ()) if conftest != path else ():
            if "." not in fixture.qualname:
                return conftest, fixture
        parent = os.path.dirname(directory)
        if parent == directory:
            return None
        directory = parent


def result(
    index: ProjectIndex, module: Module, function: Function, name: str
) -> Optional[SymbolKey]:
    """The result symbol of the fixture pytest gives the parameter ``name`` of ``function``."""
    if not requests_fixtures(function.qualname, module.fixtures):
        return None
    tables = {path: m.fixtures for path, m in index.by_path.items() if m.fixtures}
    found = lookup(tables, module.path, function.qualname, name)
    if found is None or found[1].qualname not in index.by_path[found[0]].functions:
        return None
    return ("return", found[0], found[1].qualname)


def provided(
    index: ProjectIndex, module: Module, function: Function, name: str
) -> list[Optional[str]]:
    """The kind of what pytest gives the parameter (``[]``: no fixture fills it)."""
    key = result(index, module, function, name)
    if key is None:
        return []
    owner = index.by_path[key[1]]
    return [index.returns(owner, owner.functions[key[2]])]


def results(index: ProjectIndex, kept: Iterable[SymbolKey]) -> set[SymbolKey]:
    """What the fixtures filling the ``kept`` parameters return: kept with them."""
    found: set[SymbolKey] = set()
    for key in kept:
        module = index.by_path.get(key[1]) if key[0] == "param" else None
        function = module.functions.get(key[2]) if module else None
        fixture = result(index, module, function, key[3]) if module and function else None
        if fixture is not None:
            found.add(fixture)
    return found
