"""The progress bar of ``otelbridge migrate``: only on a terminal, only for runs that take a while,
redrawn at most ten times a second, erased at the end so that the output after it is clean."""

from __future__ import annotations

import functools
import io
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from otelbridge.cli import main
from otelbridge.migration_tool import runner
from otelbridge.migration_tool.runner import ProgressBar

LEGACY = "import opentracing\n\ntracer = opentracing.global_tracer()\n"


class Clock:
    """A clock the test moves by hand."""

    def __init__(self) -> None:
        self.now = 100.0

    def __call__(self) -> float:
        return self.now


def screen(output: str) -> str:
    """What the terminal line shows after ``output``: ``\\r`` goes back to column 0 and each
    character overwrites the one under the cursor."""
    line: list[str] = []
    column = 0
    for char in output:
        assert char != "\n", "the bar must stay on one line"
        if char == "\r":
            column = 0
            continue
        if column < len(line):
            line[column] = char
        else:
            line.append(char)
        column += 1
    return "".join(line).rstrip()


def test_a_quick_run_draws_nothing() -> None:
    stream, clock = io.StringIO(), Clock()
    bar = ProgressBar(stream, delay=0.5, clock=clock)
    for done in range(1, 51):
        clock.now += 0.009
        bar(done, 50)
    assert stream.getvalue() == ""


def test_redrawn_at_most_ten_times_a_second() -> None:
    stream, clock = io.StringIO(), Clock()
    bar = ProgressBar(stream, delay=0.5, clock=clock)
    clock.now += 0.5
    for done in range(1, 301):  # three seconds of files every 10 ms
        bar(done, 1000)
        clock.now += 0.01
    assert 29 <= stream.getvalue().count("\r") <= 31
    assert screen(stream.getvalue()).endswith("] 291/1000 files")


def test_the_bar_shows_progress_and_is_erased_at_the_end() -> None:
    stream, clock = io.StringIO(), Clock()
    bar = ProgressBar(stream, delay=0.0, clock=clock)
    bar(5, 10)
    assert screen(stream.getvalue()) == "[###############...............] 5/10 files"
    clock.now += 1
    bar(10, 10)
    assert screen(stream.getvalue()) == ""
    assert stream.getvalue().endswith("\r")  # the cursor is back at column 0


def test_clear_erases_once_and_only_what_was_drawn() -> None:
    stream, clock = io.StringIO(), Clock()
    bar = ProgressBar(stream, delay=0.0, clock=clock)
    bar.clear()
    assert stream.getvalue() == ""  # never drawn: nothing to erase
    bar(1, 3)
    bar.clear()
    bar.clear()
    assert screen(stream.getvalue()) == ""
    assert stream.getvalue().count("\r") == 3  # one draw, one erase


@given(st.lists(st.tuples(st.integers(0, 10**6), st.floats(0, 1)), max_size=40))
def test_the_line_always_shows_the_last_count_drawn(steps: list[tuple[int, float]]) -> None:
    """Whatever the counts (they only grow in a run, but a shorter text must not leave debris)."""
    stream, clock = io.StringIO(), Clock()
    bar = ProgressBar(stream, delay=0.0, clock=clock)
    total = 10**6 + 1
    last = None
    for done, pause in steps:
        clock.now += pause
        before = stream.getvalue()
        bar(done, total)
        if stream.getvalue() != before:
            last = f"{done}/{total} files"
    shown = screen(stream.getvalue())
    assert shown == "" if last is None else shown.endswith("] " + last)


def _tree(root: Path, count: int) -> None:
    for index in range(count):
        (root / f"m{index}.py").write_text(LEGACY)


def test_not_shown_when_stderr_is_not_a_terminal(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    _tree(tmp_path, 25)
    assert main(["migrate", "--check", "--jobs", "1", str(tmp_path)]) == 1
    assert "\r" not in capsys.readouterr().err


def test_on_a_terminal_the_bar_is_gone_before_the_summary(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    _tree(tmp_path, 25)
    clock = Clock()

    def tick() -> float:
        clock.now += 1
        return clock.now

    monkeypatch.setattr("sys.stderr.isatty", lambda: True)
    monkeypatch.setattr(runner, "ProgressBar", functools.partial(ProgressBar, clock=tick))
    assert main(["migrate", "--check", "--jobs", "1", str(tmp_path)]) == 1
    err = capsys.readouterr().err
    assert "] 24/25 files" in err  # drawn while the run went on
    bar, _, rest = err.rpartition("\r")
    assert screen(bar + "\r") == ""  # erased before anything else is printed
    assert rest.startswith("25 files: 25 to rewrite")


def test_an_interrupt_erases_the_bar_before_its_message(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    _tree(tmp_path, 3)

    def interrupted(paths: object, mode: str, jobs: int, progress: ProgressBar) -> None:
        progress(1, 3)
        raise KeyboardInterrupt

    monkeypatch.setattr("sys.stderr.isatty", lambda: True)
    monkeypatch.setattr(runner, "ProgressBar", functools.partial(ProgressBar, delay=0.0))
    monkeypatch.setattr(runner, "run", interrupted)
    assert main(["migrate", "--write", str(tmp_path)]) == 130
    err = capsys.readouterr().err
    assert "] 1/3 files" in err
    bar, _, message = err.rpartition("\r")
    assert screen(bar + "\r") == ""
    assert message.startswith("otelbridge migrate: interrupted:")
