"""OpenCensus context attributes across the modules of a project.

A middleware stores an attribute in one module and an integration reads it in another by the
key alone, so converting one module's calls while another keeps OpenCensus' dict would lose the
value between them. Every module of the project that uses them converts, or (with the first
reason found, in path order) none does. Each worker reads the same original sources, so each
decides the same.
"""

from __future__ import annotations

import weakref
from typing import Optional

import libcst as cst
from libcst.metadata import MetadataWrapper, ParentNodeProvider

from otelbridge.migration_tool.engine.index import ProjectIndex
from otelbridge.migration_tool.opencensus.context_attrs import context_attrs
from otelbridge.migration_tool.opencensus.project import ModuleReading

#: Text every module that uses the attributes holds (both functions and the whole-dict ones).
_MARK = "opencensus_attr"


class ProjectAttrs:
    """Why the context attributes of one project's modules cannot all convert, read once."""

    def __init__(self, index: ProjectIndex) -> None:
        self._index = index
        #: (path, reason) of the first module that keeps them, or None once none does
        self._first: Optional[tuple[str, str]] = None
        self._read = False

    def blocker(self, path: str) -> str:
        """Why another module keeps its attributes ("" if none does; the module at ``path``
        finds its own reason itself)."""
        if not self._read:
            self._first, self._read = self._first_keeper(), True
        if self._first is None or self._first[0] == path:
            return ""
        keeper, reason = self._first
        module = self._index.module_at(keeper)
        return f"{module.name if module else keeper} keeps its context attributes: {reason}"

    def _first_keeper(self) -> Optional[tuple[str, str]]:
        for path, source in sorted(self._index.sources.items()):
            reason = _reason(source) if _MARK in source else ""
            if reason:
                return path, reason
        return None


def _reason(source: str) -> str:
    try:
        module = cst.parse_module(source)
    except cst.ParserSyntaxError:
        return "it does not parse"
    wrapper = MetadataWrapper(module, unsafe_skip_copy=True)
    found = context_attrs(module, wrapper.resolve(ParentNodeProvider), ModuleReading(wrapper).names)
    return found if isinstance(found, str) else ""


_PROJECTS: weakref.WeakKeyDictionary[ProjectIndex, ProjectAttrs] = weakref.WeakKeyDictionary()


def project_attrs(index: ProjectIndex) -> ProjectAttrs:
    """The one :class:`ProjectAttrs` of ``index`` (each worker process remembers its own)."""
    if index not in _PROJECTS:
        _PROJECTS[index] = ProjectAttrs(index)
    return _PROJECTS[index]
