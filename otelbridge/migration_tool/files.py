"""Finding the files to migrate, and writing them back atomically."""

from __future__ import annotations

import contextlib
import fnmatch
import os
import signal
import stat
import tempfile
import threading
from pathlib import Path
from typing import Iterable, Iterator, Sequence

#: Directories never entered: tool caches, virtual environments, version control.
SKIP_DIRS = frozenset(
    {
        ".git",
        ".hg",
        ".svn",
        ".tox",
        ".nox",
        ".venv",
        "venv",
        "__pycache__",
        "node_modules",
        ".mypy_cache",
        ".ruff_cache",
        ".pytest_cache",
    }
)


def _matches(path: str, globs: Sequence[str], root: str = "") -> bool:
    """Whether a glob matches the path relative to the PATH it was found under (``tests/*``,
    ``pkg/*/migrations/*``), its base name (``test_*.py``, ``vendor``) or the path as found."""
    relative = os.path.relpath(path, root).replace(os.sep, "/") if root else path
    candidates = (relative, os.path.basename(path), path)
    return any(fnmatch.fnmatch(c, g) for c in candidates for g in globs)


def discover(
    roots: Iterable[str], include: Sequence[str] = ("*.py",), exclude: Sequence[str] = ()
) -> Iterator[str]:
    """Yield each file once (by real path), walking directories without following symlinked
    directories, so that symlink loops cannot make the walk endless."""
    seen: set[str] = set()
    for root in roots:
        if os.path.isdir(root):
            for directory, dirs, names in os.walk(root, followlinks=False):
                dirs[:] = sorted(
                    d
                    for d in dirs
                    if d not in SKIP_DIRS
                    and not _matches(os.path.join(directory, d), exclude, root)
                )
                for name in sorted(names):
                    path = os.path.join(directory, name)
                    if (
                        _matches(path, include, root)
                        and not _matches(path, exclude, root)
                        and os.path.isfile(path)
                    ):
                        real = os.path.realpath(path)
                        if real not in seen:
                            seen.add(real)
                            yield path
        else:  # named explicitly: taken whatever its name, unless excluded
            real = os.path.realpath(root)
            if real not in seen and not _matches(root, exclude):
                seen.add(real)
                yield root


def write_atomically(path: str, data: bytes) -> None:
    """Replace ``path``'s content in one rename: readers (and a Ctrl-C) see the old or the new
    file, never a mix, and no temporary file stays behind. Keeps the permission bits; writes
    through symlinks to their target."""
    target = Path(os.path.realpath(path))
    mode = stat.S_IMODE(os.stat(target).st_mode)
    with interrupts_deferred():
        fd, temp = tempfile.mkstemp(
            prefix=f".{target.name}.", suffix=".otelbridge", dir=target.parent
        )
        try:
            with os.fdopen(fd, "wb") as handle:
                handle.write(data)
                handle.flush()
                os.fsync(handle.fileno())
            os.chmod(temp, mode)
            os.replace(temp, target)
        except BaseException:
            if os.path.exists(temp):
                os.unlink(temp)
            raise


@contextlib.contextmanager
def interrupts_deferred() -> Iterator[None]:
    """A Ctrl-C during the block is raised when it ends (between the ``mkstemp`` and its cleanup
    it would leave a temporary file). Only where Python delivers it: the main thread, with the
    default handler."""
    if (
        threading.current_thread() is not threading.main_thread()
        or signal.getsignal(signal.SIGINT) is not signal.default_int_handler
    ):
        yield
        return
    received: list[int] = []
    previous = signal.signal(signal.SIGINT, lambda signum, frame: received.append(signum))
    try:
        yield
    finally:
        signal.signal(signal.SIGINT, previous)
    if received:
        raise KeyboardInterrupt
