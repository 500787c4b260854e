"""``otelbridge run``: start any Python program with the bridge installed before its first line.

The launcher puts the directory holding our ``sitecustomize.py`` first on ``PYTHONPATH`` (as
``opentelemetry-instrument`` does), then replaces itself with the program, so exit codes and
signals reach the caller untouched. Python imports ``sitecustomize`` at start-up; ours installs
the bridge, then runs the ``sitecustomize`` it shadows, if any, so existing start-up hooks
still run. Child Python processes inherit ``PYTHONPATH`` and are bridged too.
"""

from __future__ import annotations

import importlib.machinery
import importlib.util
import os
import sys
import traceback
from pathlib import Path
from typing import Mapping, MutableMapping, Sequence

BOOT_DIR = str(Path(__file__).resolve().parent / "_boot")


def child_environment(environ: Mapping[str, str]) -> MutableMapping[str, str]:
    """``environ`` with the boot directory first on ``PYTHONPATH``."""
    env = dict(environ)
    rest = [entry for entry in env.get("PYTHONPATH", "").split(os.pathsep) if entry]
    env["PYTHONPATH"] = os.pathsep.join([BOOT_DIR, *(e for e in rest if e != BOOT_DIR)])
    return env


def exec_program(command: Sequence[str]) -> int:
    """Replace this process with ``command``; returns only if it cannot be started (127)."""
    try:
        os.execvpe(command[0], list(command), child_environment(os.environ))
    except OSError as exc:
        print(f"otelbridge run: cannot start {command[0]!r}: {exc}", file=sys.stderr)
    return 127


def bootstrap(sitecustomize_file: str) -> None:
    """Install the bridge, then chain to the ``sitecustomize`` this one shadows.

    A failure to install is reported on stderr and never stops the program.
    """
    try:
        from otelbridge.bridge.install import install

        install()
    except Exception:
        print("otelbridge: the bridge could not be installed:", file=sys.stderr)
        traceback.print_exc()
    _chain(os.path.realpath(os.path.dirname(sitecustomize_file)))


def _chain(boot_dir: str) -> None:
    """Execute the next ``sitecustomize`` on ``sys.path`` after ``boot_dir``, if there is one."""
    search = [entry for entry in sys.path if os.path.realpath(entry or ".") != boot_dir]
    spec = importlib.machinery.PathFinder.find_spec("sitecustomize", search)
    if spec is None or spec.loader is None:
        return
    module = importlib.util.module_from_spec(spec)
    sys.modules["sitecustomize"] = module
    spec.loader.exec_module(module)
