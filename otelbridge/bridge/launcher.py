"""``otelbridge run``: start any Python program with the bridge installed before its first line.

The launcher puts the directory holding our ``sitecustomize.py`` first on ``PYTHONPATH`` (as
``opentelemetry-instrument`` does), then replaces itself with the program, so exit codes and
signals reach the caller untouched. Python imports ``sitecustomize`` at start-up; ours installs
the bridge, then runs the ``sitecustomize`` it shadows, if any, so existing start-up hooks
still run. Child Python processes inherit ``PYTHONPATH`` and are bridged too. A bare ``python``
that is not the environment otelbridge is installed in is swapped for the one that is.
"""

from __future__ import annotations

import importlib.machinery
import importlib.util
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path
from typing import List, Mapping, MutableMapping, Sequence

BOOT_DIR = str(Path(__file__).resolve().parent / "_boot")
#: Set in the program's environment by ``otelbridge run --instrument``.
INSTRUMENT_VARIABLE = "OTELBRIDGE_INSTRUMENT"
_PYTHON = re.compile(r"python(\d+(\.\d+)?)?")


class LaunchError(Exception):
    """The program cannot be started bridged; the message says why and what to do."""


def child_environment(
    environ: Mapping[str, str], instrument: bool = False
) -> MutableMapping[str, str]:
    """``environ`` with the boot directory first on ``PYTHONPATH`` (and ``--instrument`` noted)."""
    env = dict(environ)
    env["PYTHONPATH"] = os.pathsep.join([BOOT_DIR, *_python_path(env)])
    if instrument:
        env[INSTRUMENT_VARIABLE] = "1"
    return env


def _python_path(environ: Mapping[str, str]) -> List[str]:
    """``PYTHONPATH``'s entries without the boot directory."""
    entries = environ.get("PYTHONPATH", "").split(os.pathsep)
    return [entry for entry in entries if entry and entry != BOOT_DIR]


def interpreter_for(command: Sequence[str]) -> List[str]:
    """``command``, with a bare ``python``/``python3`` that cannot import otelbridge replaced by
    the interpreter otelbridge runs on (said once on stderr).

    An interpreter given by path that cannot import otelbridge raises :class:`LaunchError`: it
    was chosen on purpose, so it is not swapped behind the user's back.
    """
    program = command[0]
    if not _PYTHON.fullmatch(os.path.basename(program)):
        return list(command)
    found = shutil.which(program)
    bare = os.sep not in program
    if found is None or _imports_otelbridge(found):
        return list(command)  # a missing program is reported when it fails to start
    if bare:
        print(
            f"otelbridge run: {program} on PATH ({found}) cannot import otelbridge; "
            f"running the program with {sys.executable}",
            file=sys.stderr,
        )
        return [sys.executable, *command[1:]]
    raise LaunchError(
        f"{program} cannot import otelbridge; install otelbridge into it "
        f"({program} -m pip install otelbridge) or run the program with {sys.executable}"
    )


def _imports_otelbridge(python: str) -> bool:
    if os.path.dirname(os.path.abspath(python)) == os.path.dirname(sys.executable):
        return True  # this very environment
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join(_python_path(env))  # no bridge in the probe itself
    # Without sys.path[0] (the current folder for -c): sitecustomize runs before the program's
    # folder is put there, so only the interpreter's own paths and PYTHONPATH count.
    code = "import sys; del sys.path[0]; import otelbridge"
    probe = subprocess.run([python, "-c", code], env=env, capture_output=True, check=False)
    return probe.returncode == 0


def exec_program(command: Sequence[str], instrument: bool = False) -> int:
    """Replace this process with ``command``; returns only if it cannot be started (127)."""
    try:
        os.execvpe(command[0], list(command), child_environment(os.environ, instrument))
    except OSError as exc:
        print(f"otelbridge run: cannot start {command[0]!r}: {exc}", file=sys.stderr)
    return 127


def bootstrap(sitecustomize_file: str) -> None:
    """Install the bridge (and, with ``--instrument``, the installed instrumentors), then chain
    to the ``sitecustomize`` this one shadows.

    A bad setting (which ``otelbridge run`` checked before starting, so only a program that
    changed its children's environment meets it here) stops the program with one line and exit
    code 2, as ``otelbridge run`` does; any other failure is one line and the program runs on.
    """
    from otelbridge.sdk.configuration import ConfigurationError

    try:
        from otelbridge.bridge.install import install

        install()
        if os.environ.get(INSTRUMENT_VARIABLE) == "1":
            from otelbridge.bridge.instrumentors import instrument_installed

            instrument_installed()
    except ConfigurationError as exc:
        print(f"otelbridge: {exc}; the program was not started", file=sys.stderr, flush=True)
        os._exit(2)
    except Exception as exc:
        print(
            f"otelbridge: the bridge could not be installed ({type(exc).__name__}: {exc}); "
            "the program runs without it",
            file=sys.stderr,
        )
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
