"""Ctrl-C during ``otelbridge migrate --write``: every file is either untouched or fully migrated,
no temporary file is left behind, and the command exits 130 with one line of explanation.

The command runs in its own process group and gets SIGINT as a terminal delivers Ctrl-C: to the
whole group, worker processes included.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from otelbridge.migration_tool.pipeline import migrate_source

BLOCK = '''

def handle_{n}(request):
    """Request {n}: tags, a log and a child span."""
    with tracer.start_active_span("handle_{n}", tags={{"n": {n}}}) as scope:
        scope.span.set_tag("user", request.user)  # who
        scope.span.log_kv({{"event": "loaded", "rows": {n}}})
        child = tracer.start_span("child_{n}", child_of=scope.span)
        child.finish()
        return request
'''
FILES = 400


def _source(index: int) -> str:
    """One of three modules (so that the expected outcome is computed three times only)."""
    first = index % 3 * 12
    header = '"""A module."""\nimport opentracing\n\ntracer = opentracing.global_tracer()\n'
    return header + "".join(BLOCK.format(n=n) for n in range(first, first + 12))


@pytest.mark.slow
@pytest.mark.parametrize("jobs", [1, 2])
def test_ctrl_c_leaves_every_file_old_or_new(tmp_path: Path, jobs: int) -> None:
    originals = {tmp_path / f"pkg{i % 10}" / f"mod{i}.py": _source(i) for i in range(FILES)}
    for path, text in originals.items():
        path.parent.mkdir(exist_ok=True)
        path.write_text(text)
    migrated = {text: migrate_source(text).code for text in set(originals.values())}
    command = ["migrate", "--write", "--jobs", str(jobs), str(tmp_path)]
    process = subprocess.Popen(
        [sys.executable, "-m", "otelbridge", *command],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        start_new_session=True,
    )
    deadline = time.monotonic() + 60
    while not any(path.read_text() != text for path, text in originals.items()):
        assert process.poll() is None and time.monotonic() < deadline, "no file changed"
        time.sleep(0.02)
    os.killpg(process.pid, signal.SIGINT)
    out, err = process.communicate(timeout=60)
    assert process.returncode == 130, err
    assert out == ""  # no report of a run cut short
    assert "Traceback" not in err and "KeyboardInterrupt" not in err
    assert err.strip().splitlines() == [
        "otelbridge migrate: interrupted: every file is either rewritten in full or untouched"
    ]
    new = 0
    for path, text in originals.items():
        on_disk = path.read_text()
        assert on_disk in (text, migrated[text]), path
        new += on_disk != text
    assert 0 < new < FILES  # interrupted mid-run
    assert not [p for p in tmp_path.rglob(".*") if p.name.endswith(".otelbridge")]
