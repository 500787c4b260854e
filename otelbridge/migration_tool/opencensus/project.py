"""OpenCensus stats across the modules of a project: measures defined in one, recorded in others.

A measure, its views and their registration usually live in one module; ``measure_*_put`` calls
in many. The defining module's views decide the instruments, so a recording module reads the
defining module (from the whole-project index's sources) to know them. An instrument must never
meet an OpenCensus ``measure_*_put``, so the modules linked by shared measures form one *unit*:
every module of it converts, or (with the first reason found) none does. Each worker decides
the same from the same original sources, so no round of feedback between files is needed.
"""

from __future__ import annotations

import os
import weakref
from typing import Callable, Optional, Union

import libcst as cst
from libcst.metadata import MetadataWrapper, ParentNodeProvider

from otelbridge.migration_tool.bindings import bound_values
from otelbridge.migration_tool.engine.index import Module, ProjectIndex, read_module
from otelbridge.migration_tool.engine.scopes import resolve_scopes
from otelbridge.migration_tool.opencensus.analysis import is_imported, name_bindings
from otelbridge.migration_tool.opencensus.names import canonical
from otelbridge.migration_tool.opencensus.span_parameters import PassedParameter, passed_parameter
from otelbridge.migration_tool.opencensus.stats import (
    REPUT,
    Measure,
    Stats,
    Unsupported,
    ViewSpec,
)
from otelbridge.migration_tool.transforms.base import literal

_CYCLE = "its stats import measures from each other in a cycle"


class ModuleReading:
    """The :class:`~.stats.Host` of a module read on its own (not being rewritten)."""

    def __init__(self, wrapper: MetadataWrapper) -> None:
        self._scopes = resolve_scopes(wrapper)
        self._parents = wrapper.resolve(ParentNodeProvider)
        self._bindings = dict(name_bindings(wrapper.module))

    def bound_values(self, name: cst.Name) -> list[cst.BaseExpression]:
        return bound_values(self._scopes, self._bindings, name)

    def is_imported(self, name: cst.Name) -> bool:
        return is_imported(self._scopes, name)

    def passed_parameter(
        self, name: cst.Name, exported: Callable[[str], bool]
    ) -> Optional[PassedParameter]:
        return passed_parameter(name, self._scopes, self._parents, exported)

    def names(self, node: cst.CSTNode) -> set[str]:
        scope = self._scopes.get(node)
        if scope is None:
            return set()
        return canonical({q.name for q in scope.get_qualified_names_for(node)})


class ProjectStats:
    """The stats of every module of one project index, read on demand and remembered."""

    def __init__(self, index: ProjectIndex) -> None:
        self._index = index
        #: path -> the module's stats, or why they stay OpenCensus
        self._readings: dict[str, Union[Stats, str]] = {}
        #: symbol tables of the files the index left out (they name no legacy API)
        self._others: dict[str, Optional[Module]] = {}
        self._listings: dict[str, list[str]] = {}
        self._context_tags: Optional[bool] = None

    def lookup(self, path: str) -> _Lookup:
        """The shared-measure lookup of the module at ``path``."""
        return _Lookup(self, path)

    def reading(self, path: str) -> Union[Stats, str]:
        if path not in self._readings:
            self._readings[path] = _CYCLE
            self._readings[path] = self._read(path)
        return self._readings[path]

    def _read(self, path: str) -> Union[Stats, str]:
        source = self._source(path)
        try:
            module = cst.parse_module(source if source is not None else "")
        except cst.ParserSyntaxError:
            return "it does not parse"
        wrapper = MetadataWrapper(module, unsafe_skip_copy=True)
        host = ModuleReading(wrapper)
        stats = Stats(host, host.names, self.lookup(path))
        try:
            stats.read(module)
        except Unsupported as exc:
            return str(exc)
        return stats

    def measure(self, path: str, local: str) -> Optional[Measure]:
        """The measure the name ``local`` of the module at ``path`` imports (or reads as an
        attribute of an imported module, ``measures.JOBS``), if it is one."""
        found = self._stats_of(self._definition(path, local), f"measure {local!r}")
        return found[0].measures.get(found[1]) if found is not None else None

    def view(self, path: str, dotted: str) -> Optional[ViewSpec]:
        """The view of another module that ``dotted`` names in the module at ``path``."""
        found = self._stats_of(self._definition(path, dotted), f"view {dotted!r}")
        return found[0].exported_view(found[1]) if found is not None else None

    def _stats_of(
        self, defined: Optional[tuple[Module, str]], what: str
    ) -> Optional[tuple[Stats, str]]:
        """The stats of the module ``defined`` names, and the name there; raises
        :class:`Unsupported` (saying ``what`` is made there) when they stay OpenCensus."""
        if defined is None:
            return None
        owner, name = defined
        reading = self.reading(owner.path)
        if isinstance(reading, str):
            raise Unsupported(
                f"{what} is made in {owner.name}, whose stats stay OpenCensus: {reading}"
            )
        return reading, name

    def held_map(self, path: str, local: str) -> Optional[tuple[Optional[str], str]]:
        """(path, name) of the held measurement map the name ``local`` of ``path`` imports."""
        defined = self._definition(path, local)
        if defined is None:
            return None
        owner, name = defined
        reading = self.reading(owner.path)  # staying OpenCensus, it is no held map here
        held = isinstance(reading, Stats) and name in reading.held_maps
        return (owner.path, name) if held else None

    def tag_map(self, path: str, local: str) -> Optional[list[tuple[str, cst.BaseExpression]]]:
        """The keys and literal values of the module-level tag map ``local`` of ``path``
        imports, if it is one."""
        defined = self._definition(path, local)
        reading = self.reading(defined[0].path) if defined is not None else None
        if not isinstance(reading, Stats) or defined is None:
            return None
        found = reading.held_tags.get(defined[1])
        if found is None or any(literal(v) is NotImplemented for _, v in found):
            return None
        return found

    def role(self, path: str, local: str) -> bool:
        """Whether the name ``local`` of ``path`` imports a module's name for a part of the
        stats singleton that its conversion removes."""
        defined = self._definition(path, local)
        reading = self.reading(defined[0].path) if defined is not None else None
        return (
            isinstance(reading, Stats)
            and defined is not None
            and defined[1] in reading.role_holders
        )

    def sets_context_tags(self) -> bool:
        """Whether any indexed module names ``TagContext`` (every module setting OpenCensus'
        context tags imports it, so names OpenCensus and is indexed)."""
        if self._context_tags is None:
            self._context_tags = any("TagContext" in t for t in self._index.sources.values())
        return self._context_tags

    def tag_key(self, path: str, local: str) -> Optional[str]:
        defined = self._definition(path, local)
        reading = self.reading(defined[0].path) if defined is not None else None
        return reading.keys.get(defined[1]) if isinstance(reading, Stats) and defined else None

    def exported(self, path: str, name: str) -> bool:
        owner = self._index.module_at(path)
        for other_path in self._neighbours(owner) if owner is not None else ():
            text = self._source(other_path) if other_path != path else None
            other = self._module(other_path) if text is not None and name in text else None
            if other is not None and any(
                (self._index.resolve(source, other) is owner and imported in (None, name))
                or (  # ``from app import metrics`` ... ``metrics.name``
                    imported is not None
                    and self._index.resolve(f"{source}.{imported}", other) is owner
                )
                for source, imported in other.imports.values()
            ):
                return True
        return False

    def _source(self, path: str) -> Optional[str]:
        """The original text of a file: the index's, or the disk's for a file the index left
        out (it names no legacy API, so the migration never rewrites it)."""
        if path in self._index.sources:
            return self._index.sources[path]
        try:
            with open(path, encoding="utf-8") as handle:
                return handle.read()
        except (OSError, UnicodeDecodeError):
            return None

    def _module(self, path: str) -> Optional[Module]:
        """The symbol table of any file (the index holds only those naming a legacy API)."""
        module = self._index.module_at(path)
        if module is None:
            if path not in self._others:
                source = self._source(path)
                self._others[path] = None if source is None else read_module(path, source)
            module = self._others[path]
        return module

    def _neighbours(self, owner: Module) -> list[str]:
        """Every Python file under the directory ``owner``'s top-level package sits in (where
        the files that import it are), the index's files too."""
        root = os.path.dirname(owner.path)
        for _ in range(owner.name.count(".")):
            root = os.path.dirname(root)
        if root not in self._listings:
            found = set(self._index.sources)
            for directory, subdirectories, files in os.walk(root):
                subdirectories[:] = [d for d in subdirectories if d not in _SKIPPED and d[0] != "."]
                found.update(os.path.join(directory, f) for f in files if f.endswith(".py"))
            self._listings[root] = sorted(found)
        return self._listings[root]

    def _definition(self, path: str, dotted: str) -> Optional[tuple[Module, str]]:
        """(module, name) of what ``dotted`` names through the imports of ``path``: an imported
        name (``LATENCY_VIEW``) or an attribute of an imported module (``metrics.LATENCY_VIEW``,
        ``app.metrics.LATENCY_VIEW``)."""
        module = self._module(path)
        head, *rest = dotted.split(".")
        if module is None or head not in module.imports:
            return None
        source, name = module.imports[head]
        if not rest:
            owner = self._index.resolve(source, module) if name is not None else None
            return (owner, name) if owner is not None and name is not None else None
        base = source if name is None else f"{source}.{name}"
        owner = self._index.resolve(".".join([base, *rest[:-1]]), module)
        return (owner, rest[-1]) if owner is not None else None

    def unit_blocker(self, path: str) -> str:
        """Why the modules linked to ``path`` by shared measures cannot all convert ("" if
        they can)."""
        seen: set[str] = set()
        todo = [path]
        put: dict[tuple[Optional[str], str], frozenset[str]] = {}  # held map -> its measures
        while todo:
            current = todo.pop()
            if current in seen:
                continue
            seen.add(current)
            reading = self.reading(current)
            if isinstance(reading, str):
                if current == path:
                    return ""  # the module's own reason: its plan finds it again
                module = self._module(current)
                return (
                    f"it shares measures with {module.name if module else current}, whose "
                    f"stats stay OpenCensus: {reading}"
                )
            for (origin, name), measures in reading.held_sets.items():
                if put.setdefault((origin or current, name), measures) != measures:
                    return f"measurement map {name!r} is put with other measures elsewhere: {REPUT}"
            for local in [*reading.shared, *reading.imported_held, *reading.imported_roles]:
                defined = self._definition(current, local)
                if defined is not None:
                    todo.append(defined[0].path)
            for dotted in reading.imported_views:
                defined = self._definition(current, dotted)
                if defined is not None:
                    todo.append(defined[0].path)
            todo.extend(self._users(current, reading))
        return ""

    def _users(self, path: str, reading: Stats) -> list[str]:
        """The files that import the measures of ``path``, or the module itself (what they do
        with it is not followed, so they must be read too); files the index left out count."""
        owner = self._index.module_at(path)
        shared = {*reading.measures, *reading.held_maps, *reading.held_tags, *reading.views}
        if not shared or owner is None:
            return []
        found = []
        for other_path in self._neighbours(owner):
            text = self._source(other_path) if other_path != path else None
            if text is None or not any(var in text for var in shared):
                continue
            other = self._module(other_path)
            if other is not None and any(
                (self._index.resolve(source, other) is owner and (name is None or name in shared))
                or (name is not None and self._index.resolve(f"{source}.{name}", other) is owner)
                for source, name in other.imports.values()
            ):
                found.append(other_path)
        return found


class _Lookup:
    """The :class:`~.stats.SharedLookup` of one module."""

    def __init__(self, project: ProjectStats, path: str) -> None:
        self._project = project
        self._path = path

    def measure(self, local: str) -> Optional[Measure]:
        return self._project.measure(self._path, local)

    def tag_key(self, local: str) -> Optional[str]:
        return self._project.tag_key(self._path, local)

    def exported(self, name: str) -> bool:
        return self._project.exported(self._path, name)

    def held_map(self, local: str) -> Optional[tuple[Optional[str], str]]:
        return self._project.held_map(self._path, local)

    def tag_map(self, local: str) -> Optional[list[tuple[str, cst.BaseExpression]]]:
        return self._project.tag_map(self._path, local)

    def sets_context_tags(self) -> bool:
        return self._project.sets_context_tags()

    def role(self, local: str) -> bool:
        return self._project.role(self._path, local)

    def view(self, dotted: str) -> Optional[ViewSpec]:
        return self._project.view(self._path, dotted)


#: Directories that hold no project code.
_SKIPPED = frozenset({"__pycache__", "node_modules", "site-packages", "venv"})
_PROJECTS: weakref.WeakKeyDictionary[ProjectIndex, ProjectStats] = weakref.WeakKeyDictionary()


def project_stats(index: ProjectIndex) -> ProjectStats:
    """The one :class:`ProjectStats` of ``index`` (each worker process remembers its own)."""
    if index not in _PROJECTS:
        _PROJECTS[index] = ProjectStats(index)
    return _PROJECTS[index]
