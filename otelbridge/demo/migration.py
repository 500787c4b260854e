"""The codemod on the bundled shop: its diff (step 2) and a migrated copy to run (step 3).

Both go through the ``otelbridge migrate`` command itself, in a child process, so the demo shows
exactly what a user running it gets (colour on a terminal, review lines, the summary).
"""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path
from typing import Optional

from otelbridge.demo.app import DemoError, demo_environment


def _migrate(directory: Path, mode: str, capture: bool) -> subprocess.CompletedProcess[str]:
    command = [sys.executable, "-m", "otelbridge", "migrate", mode, "--jobs", "1", directory.name]
    done = subprocess.run(
        command,
        cwd=directory.parent,
        env=demo_environment(),
        capture_output=capture,
        text=True,
        check=False,
    )
    if done.returncode not in (0, 1):  # 1: legacy sites changed or remain, as intended
        raise DemoError(f"otelbridge migrate {mode} exited with {done.returncode}")
    return done


def show_diff(directory: Path) -> None:
    """Print the codemod's diff of ``directory`` (it is left untouched) and its review lines."""
    sys.stdout.flush()
    _migrate(directory, "--diff", capture=False)


def migrated_copy(directory: Path, into: Path) -> Optional[str]:
    """Copy ``directory`` under ``into``, migrate the copy in place; returns its summary line."""
    copy = into / directory.name
    shutil.copytree(directory, copy, ignore=shutil.ignore_patterns("__pycache__"))
    summary = _migrate(copy, "--write", capture=True).stderr.strip().splitlines()
    return summary[-1] if summary else None
