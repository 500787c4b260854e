"""Names in the ``opencensus`` namespace that the migrated project defines itself.

OpenCensus' packages are namespace packages: an integration or exporter that ships its own
``opencensus.ext.<name>`` package (opencensus-python's contrib, a company's in-house exporter)
imports its own modules by ``opencensus.`` names. Those are project code, not OpenCensus' API:
nothing maps them to OpenTelemetry and nothing is "kept on OpenCensus" there, so their markers
say so instead.
"""

from __future__ import annotations

import functools
import os
from typing import TYPE_CHECKING, Callable, Mapping, Optional, Sequence

if TYPE_CHECKING:
    from otelbridge.migration_tool.engine.index import ProjectIndex


@functools.lru_cache(maxsize=4096)
def _package_root(directory: str) -> str:
    """The directory above the outermost package ``directory`` is in (itself if none)."""
    while os.path.isfile(os.path.join(directory, "__init__.py")):
        parent = os.path.dirname(directory)
        if parent == directory:
            break
        directory = parent
    return directory


@functools.lru_cache(maxsize=4096)
def _defines(root: str, module: str) -> bool:
    """Whether ``root`` holds the module file of the dotted ``module`` (a namespace package's
    shared ``__init__.py`` alone does not count: its siblings may be installed elsewhere)."""
    path = os.path.join(root, *module.split("."))
    return os.path.isfile(path + ".py") or (
        os.path.isfile(os.path.join(path, "__init__.py")) and not _extends_path(path)
    )


@functools.lru_cache(maxsize=1024)
def _extends_path(package: str) -> bool:
    """A pkgutil-style namespace ``__init__.py`` (``__path__ = extend_path(...)``)."""
    try:
        with open(os.path.join(package, "__init__.py"), encoding="utf-8") as handle:
            return "extend_path" in handle.read(4096)
    except (OSError, UnicodeDecodeError):
        return False


def _is_module_file(path: str) -> bool:
    directory, base = os.path.split(path)
    return base != "__init__.py" or not _extends_path(directory)


def project_module(
    filename: str, qualified: str, indexed: Mapping[str, Sequence[str]]
) -> Optional[str]:
    """The module of the project, if any, that the dotted name ``qualified`` is in, as seen from
    the file ``filename``: one beside it in its package tree, or one of the project index's
    modules (``indexed``, name -> paths: other distributions of the same project)."""
    parts = qualified.split(".")
    path = os.path.abspath(filename)
    root = _package_root(os.path.dirname(path))
    # Other distributions count only for a file in the namespace itself: an application that
    # imports ``opencensus.ext.azure`` uses the package, even if the same run migrates it.
    namespaced = path.startswith(os.path.join(root, parts[0]) + os.sep)
    for end in range(len(parts), 1, -1):  # the longest module first; never the bare namespace
        module = ".".join(parts[:end])
        if _defines(root, module) or (
            namespaced and any(_is_module_file(p) for p in indexed.get(module, ()))
        ):
            return module
    return None


def module_paths(index: Optional[ProjectIndex]) -> dict[str, list[str]]:
    """The project index's modules as :func:`project_module` takes them (name -> paths)."""
    if index is None:
        return {}
    return {name: [module.path for module in found] for name, found in index.modules.items()}


def owned_by_project(filename: str, index: Optional[ProjectIndex]) -> Callable[[str], bool]:
    """Whether a dotted name, as seen from ``filename``, is in a module the project defines."""
    indexed = module_paths(index)
    return lambda qualified: project_module(filename, qualified, indexed) is not None
