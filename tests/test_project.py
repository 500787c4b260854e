"""Guards for the project's shape: README and CI agree, the CLI starts, imports flow one way."""

from __future__ import annotations

import ast
import re
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
PACKAGE = ROOT / "otelbridge"


def readme_commands() -> list[str]:
    """The indented shell commands of README's Quick start section."""
    text = (ROOT / "README.md").read_text()
    section = text.split("## Quick start", 1)[1].split("\n## ", 1)[0]
    return [line.strip() for line in section.splitlines() if line.startswith("    ")]


def test_readme_has_exactly_two_setup_commands() -> None:
    commands = readme_commands()
    assert len(commands) == 2, commands
    demo, tests = commands
    assert demo.endswith("otelbridge demo")
    assert "pytest" in tests


def test_ci_runs_readme_test_command_verbatim() -> None:
    ci_lines = [line.strip() for line in (ROOT / ".ci" / "run").read_text().splitlines()]
    assert readme_commands()[1] in ci_lines


def test_cli_help_lists_subcommands() -> None:
    result = subprocess.run(
        [sys.executable, "-m", "otelbridge", "--help"], capture_output=True, text=True, check=False
    )
    assert result.returncode == 0, result.stderr
    assert "usage: otelbridge" in result.stdout
    from otelbridge.cli import COMMANDS

    for name in COMMANDS:
        assert name in result.stdout


# Which otelbridge subpackages each subpackage may import (besides itself and top-level helpers).
ALLOWED = {
    "sdk": set(),
    "shims": {"sdk"},
    "bridge": {"sdk", "shims"},
    "migration_tool": set(),
    "devtools": {"sdk"},
}
#: ``otelbridge.semconv`` is data only (the tag-name table the shim and the codemod share).
TOP_LEVEL_HELPERS = {"otelbridge", "otelbridge.version", "otelbridge.semconv"}


def otelbridge_imports(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(), filename=str(path))
    found: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            found.add(node.module)
    return {name for name in found if name == "otelbridge" or name.startswith("otelbridge.")}


@pytest.mark.parametrize("subpackage", sorted(ALLOWED))
def test_imports_flow_one_way(subpackage: str) -> None:
    allowed = ALLOWED[subpackage] | {subpackage}
    offenders = []
    for path in sorted((PACKAGE / subpackage).rglob("*.py")):
        for name in otelbridge_imports(path):
            if name in TOP_LEVEL_HELPERS:
                continue
            target = name.split(".")[1]
            if target not in allowed:
                offenders.append(f"{path.relative_to(ROOT)} imports {name}")
    assert not offenders, "\n".join(offenders)


def test_init_files_only_reexport() -> None:
    """``__init__.py`` files hold imports, ``__all__`` and docstrings, never logic."""
    offenders = []
    for path in sorted(PACKAGE.rglob("__init__.py")):
        tree = ast.parse(path.read_text())
        for node in tree.body:
            if isinstance(node, (ast.Import, ast.ImportFrom)):
                continue
            if isinstance(node, ast.Expr) and isinstance(node.value, ast.Constant):
                continue  # docstring
            if isinstance(node, (ast.Assign, ast.AnnAssign)) and re.search(
                r"__all__", ast.unparse(node)
            ):
                continue
            offenders.append(f"{path.relative_to(ROOT)}:{node.lineno}")
    assert not offenders, "\n".join(offenders)


def test_ruff_is_clean() -> None:
    result = subprocess.run(
        [sys.executable, "-m", "ruff", "check", "otelbridge", "tests", "benchmarks"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr


@pytest.mark.slow
def test_package_type_checks() -> None:
    """mypy --strict over the packages pyproject.toml lists (the whole package)."""
    result = subprocess.run(
        [sys.executable, "-m", "mypy"], cwd=ROOT, capture_output=True, text=True, check=False
    )
    assert result.returncode == 0, result.stdout + result.stderr
