"""Migrate many files: per-file isolation, parallel worker processes, outcome per file."""

from __future__ import annotations

import ast
import difflib
import gc
import io
import multiprocessing
import os
import re
import signal
import sys
import threading
import time
import tokenize
import traceback
from typing import TYPE_CHECKING, Callable, Iterable, Optional, Sequence, TextIO

from otelbridge.migration_tool.files import write_atomically
from otelbridge.migration_tool.findings import FileResult
from otelbridge.migration_tool.prefilter import (
    django_related,
    is_candidate,
    is_generated,
    may_trace,
)

if TYPE_CHECKING:  # importing multiprocessing.synchronize needs working semaphores
    from multiprocessing.pool import Pool
    from multiprocessing.synchronize import Event as EventType

    from otelbridge.migration_tool.engine.index import ProjectIndex

MODES = ("diff", "check", "write")


def decode(data: bytes) -> tuple[str, str]:
    """Source text and its encoding (PEP 263 cookie or BOM, UTF-8 by default)."""
    encoding, _ = tokenize.detect_encoding(io.BytesIO(data).readline)
    return data.decode(encoding), encoding


def migrate_file(
    path: str, mode: str = "diff", original: Optional[tuple[str, str]] = None
) -> FileResult:
    """Never raises (except ``KeyboardInterrupt``): every failure becomes a ``failed`` result.
    Uses the project index of the run (:func:`run`), if any; ``original`` (text, encoding) is
    the file as it was before a first round rewrote it."""
    try:
        with open(path, "rb") as handle:
            data = handle.read()
    except OSError as exc:
        return FileResult(path, "failed", error=f"unreadable: {exc.strerror or exc}")
    try:
        try:
            source, encoding = original or decode(data)
        except (SyntaxError, UnicodeDecodeError, LookupError) as exc:
            return FileResult(path, "failed", error=f"cannot decode: {exc}")
        rewritten = _project is not None and os.path.abspath(path) in _project.rewritten
        if not rewritten and not is_candidate(source, path, _project):
            return FileResult(path, "unchanged")
        if is_generated(source):
            return FileResult(path, "skipped", error="generated file (@generated)")
        import libcst

        from otelbridge.migration_tool.pipeline import migrate_source

        try:
            migration = migrate_source(source, path, _project)
        except libcst.ParserSyntaxError as exc:
            return syntax_error(path, source, exc)
        if migration.error:
            return FileResult(path, "failed", findings=migration.findings, error=migration.error)
        result = FileResult(
            path,
            "unchanged",
            migration.rewrites,
            migration.findings,
            remaining=migration.remaining,
            kept=migration.kept,
        )
        if migration.code == source:
            if original is not None and data != source.encode(encoding) and mode == "write":
                write_atomically(path, source.encode(encoding))  # back to the original
            return result
        result.status = "changed"
        if mode != "check":
            result.diff = "".join(
                difflib.unified_diff(
                    source.splitlines(keepends=True),
                    migration.code.splitlines(keepends=True),
                    *_labels(path),
                )
            )
        if mode == "write":
            write_atomically(path, migration.code.encode(encoding))
        return result
    except KeyboardInterrupt:
        raise
    except Exception as exc:
        return FileResult(
            path, "failed", error=f"{type(exc).__name__}: {exc}", traceback=traceback.format_exc()
        )


#: Statements only Python 2 has: a file failing to parse on one of them is old code, not a typo.
_PYTHON2 = re.compile(
    r"^\s*(print\s+[^\s(=]|exec\s+[\"']|except\s+[\w.]+\s*,\s*\w+\s*:|raise\s+\w+\s*,)"
    r"|`|<>|\b0\d+\b|\bur[\"']"
)


def syntax_error(path: str, source: str, exc: Exception) -> FileResult:
    """A file that does not parse, with the line Python's own parser names. Python 2 code is
    skipped as such (it is not the codemod's to migrate), anything else has failed."""
    line, message = getattr(exc, "raw_line", 0), getattr(exc, "message", str(exc))
    try:
        compile(source, path, "exec", ast.PyCF_ONLY_AST, dont_inherit=True)
    except SyntaxError as python:
        line, message = python.lineno or line, python.msg
    lines = source.splitlines()
    text = lines[line - 1] if 0 < line <= len(lines) else ""
    if _PYTHON2.search(text):
        return FileResult(
            path, "skipped", error=f"not Python 3 (Python 2 syntax at line {line}): port it first"
        )
    return FileResult(path, "failed", error=f"syntax error at line {line}: {message}")


def _warm() -> None:
    """Import and exercise the parser once, before forking, so workers start hot."""
    import libcst

    from otelbridge.migration_tool.pipeline import migrate_source

    migrate_source("import opentracing\ntracer = opentracing.global_tracer()\n")
    libcst.parse_module("x = 1\n")


#: In a worker process: set by the parent on Ctrl-C, after which files not started are skipped.
_stop: Optional[EventType] = None
#: The whole-project index of the run (built once by the parent, inherited by the workers).
_project: Optional[ProjectIndex] = None


def _start_worker(stop: EventType, project: Optional[ProjectIndex]) -> None:
    """Ctrl-C reaches the whole process group: workers leave it to the parent, which lets the
    files in progress finish (so each is written in full or not at all) and skips the rest."""
    global _stop, _project
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    _stop, _project = stop, project


def _read(paths: Sequence[str]) -> dict[str, tuple[str, str]]:
    """Text and encoding of the files the index reads (``may_trace``; the others are left out here
    and reported, if they cannot be read, by their migration)."""
    sources = {}
    for path in paths:
        try:
            with open(path, "rb") as handle:
                text, encoding = decode(handle.read())
        except (OSError, SyntaxError, UnicodeDecodeError, LookupError):
            continue
        if may_trace(text) or django_related(text):
            sources[path] = (text, encoding)
    return sources


#: A round whose files keep new shared symbols on OpenTracing is followed by another (with the
#: index told), until none does. The kept set only grows, so the rounds end; this bounds a
#: pathological project (each round keeps one more link of a long chain of helpers). Real projects
#: settle within four (the OpenTracing corpus: four, a flat code base: one).
MAX_ROUNDS = 16


def _task(args: tuple[str, str, Optional[tuple[str, str]]]) -> FileResult:
    """One file of a batch, with the cyclic garbage collector paused.

    LibCST allocates a few hundred thousand small objects per module, each allocation burst
    triggering collections that rescan everything alive: half the time of a run went there. Trees
    are freed by reference counting; the few cycles (scope analysis) go at the next collection,
    right after the file.
    """
    if _stop is not None and _stop.is_set():
        return FileResult(args[0], "skipped", error="interrupted")
    paused = gc.isenabled()
    gc.disable()
    try:
        return migrate_file(*args)
    finally:
        if paused:
            gc.enable()


def run(
    paths: Sequence[str],
    mode: str,
    jobs: int = 1,
    progress: Optional[Callable[[int, int], None]] = None,
) -> list[FileResult]:
    """Results in the order of ``paths``, each file migrated with what the whole-project index
    of ``paths`` knows.

    What a file keeps on OpenTracing that others share (``flows.py``) is told to the index, and
    the files are migrated again, from their original text, until the kept set is stable: flows
    are converted together or kept together across files.
    """
    global _project
    from otelbridge.migration_tool.pipeline import index_project

    sources = _read(paths)
    paused = gc.isenabled()
    gc.disable()  # the index is thousands of small objects that all live on: nothing to collect
    try:
        _project = index_project({path: text for path, (text, _) in sources.items()})
    finally:
        if paused:
            gc.enable()
    results = _round([(path, mode, None) for path in paths], jobs, progress)
    for _ in range(MAX_ROUNDS - 1):
        kept = set().union(*(result.kept for result in results.values()))
        if not _project.keep(kept):
            break
        again = [(path, mode, sources[path]) for path in paths if path in sources]
        results.update(_round(again, jobs, None))
    return [results[path] for path in paths]


def _round(
    tasks: Sequence[tuple[str, str, Optional[tuple[str, str]]]],
    jobs: int,
    progress: Optional[Callable[[int, int], None]],
) -> dict[str, FileResult]:
    paths = [task[0] for task in tasks]
    results: dict[str, FileResult] = {}
    done = 0
    pool = stop = None
    if jobs > 1 and len(paths) > 1:
        _warm()
        methods = multiprocessing.get_all_start_methods()
        context = multiprocessing.get_context("fork" if "fork" in methods else None)
        stop = context.Event()
        main = threading.current_thread() is threading.main_thread()  # signals are set there
        previous = signal.signal(signal.SIGINT, signal.SIG_IGN) if main else None
        try:  # ignored while forking: a Ctrl-C then would hit a worker before its set-up
            pool = context.Pool(min(jobs, len(paths)), _start_worker, (stop, _project))
        finally:
            if main:
                signal.signal(signal.SIGINT, previous)
    try:
        iterator: Iterable[FileResult] = (
            map(_task, tasks)
            if pool is None
            else pool.imap_unordered(_task, tasks, chunksize=_chunk_size(len(paths), jobs))
        )
        for result in iterator:
            results[result.path] = result
            done += 1
            if progress is not None:
                progress(done, len(paths))
    except KeyboardInterrupt:
        if pool is not None and stop is not None:
            stop.set()
            _drain(pool)
        raise
    except BaseException:
        if pool is not None:
            pool.terminate()
            pool.join()
        raise
    if pool is not None:
        pool.close()
        pool.join()
    return results


def _chunk_size(files: int, jobs: int) -> int:
    """Small chunks: legacy files cost a hundred times a skipped one, and a worker left alone
    with the last big chunk is what limits the speed-up; a chunk is one message each way."""
    return max(1, min(8, files // (jobs * 16)))


def _drain(pool: Pool) -> None:
    """Let the workers finish the files they are writing (the others are skipped); a second
    Ctrl-C stops them at once."""
    try:
        pool.close()
        pool.join()
    except KeyboardInterrupt:
        pool.terminate()
        pool.join()


class ProgressBar:
    """A one-line bar on a terminal's stderr, for runs that take a while.

    Drawn only once the run has lasted ``delay`` seconds (a quick run never flashes one), redrawn
    at most ten times a second, and erased when the run completes (or :meth:`clear` is called on
    an interrupt) so that what is printed next starts on a clean line.
    """

    WIDTH = 30
    INTERVAL = 0.1

    def __init__(
        self,
        stream: Optional[TextIO] = None,
        delay: float = 0.5,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self._stream = stream if stream is not None else sys.stderr
        self._clock = clock
        self._shown_at = clock() + delay
        self._last = float("-inf")
        self._drawn = 0  # characters of the bar on the screen

    def __call__(self, done: int, total: int) -> None:
        if done >= total:
            self.clear()
            return
        now = self._clock()
        if now < self._shown_at or now - self._last < self.INTERVAL:
            return
        self._last = now
        filled = self.WIDTH * done // max(total, 1)
        line = f"[{'#' * filled}{'.' * (self.WIDTH - filled)}] {done}/{total} files"
        self._stream.write("\r" + line.ljust(self._drawn))
        self._stream.flush()
        self._drawn = max(self._drawn, len(line))

    def clear(self) -> None:
        if self._drawn:
            self._stream.write("\r" + " " * self._drawn + "\r")
            self._stream.flush()
            self._drawn = 0


def default_jobs() -> int:
    return max(1, min(os.cpu_count() or 1, 8))


def _labels(path: str) -> tuple[str, str]:
    """``a/``/``b/`` prefixes as git uses them, for relative paths only."""
    return (path, path) if os.path.isabs(path) else (f"a/{path}", f"b/{path}")
