"""Every code block README.md and docs/*.md mark runnable is run, and must exit as marked.

Mark a fenced block by putting ``<!-- runnable -->`` (exit status 0) or ``<!-- runnable exit=N -->``
on the line just above its opening fence. ``sh``/``bash`` blocks run in bash from the repository
root with this interpreter's scripts (``otelbridge``, ``python``) first on ``PATH``; ``python``
blocks run in this interpreter. Exporters default to ``none``, so a block sends nothing anywhere
unless it says so itself.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import List

import pytest

ROOT = Path(__file__).resolve().parent.parent
PAGES = [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md"))]
MARKER = re.compile(r"^<!-- runnable(?: exit=(\d+))? -->$")
FENCE = re.compile(r"^```(\w*)$")
LANGUAGES = {"sh": "bash", "bash": "bash", "python": "python"}


@dataclass
class Block:
    page: Path
    line: int
    language: str
    code: str
    exit_status: int

    def __str__(self) -> str:
        return f"{_name(self.page)}:{self.line}"


def _name(page: Path) -> str:
    return str(page.relative_to(ROOT)) if page.is_relative_to(ROOT) else str(page)


def runnable_blocks(page: Path) -> List[Block]:
    """The marked blocks of ``page``; a marker not followed by a fence, or an unknown language,
    is an error (a mark that silently ran nothing would hide a broken example)."""
    lines = page.read_text(encoding="utf-8").splitlines()
    blocks = []
    for index, line in enumerate(lines):
        marker = MARKER.match(line.strip())
        if not marker:
            continue
        fence = FENCE.match(lines[index + 1]) if index + 1 < len(lines) else None
        where = f"{_name(page)}:{index + 1}"
        if fence is None:
            raise AssertionError(f"{where}: runnable marker not followed by a ``` fence")
        if fence[1] not in LANGUAGES:
            raise AssertionError(f"{where}: runnable block in unknown language {fence[1]!r}")
        end = next(i for i in range(index + 2, len(lines)) if lines[i].startswith("```"))
        code = "\n".join(lines[index + 2 : end]) + "\n"
        blocks.append(Block(page, index + 2, fence[1], code, int(marker[1] or 0)))
    return blocks


BLOCKS = [block for page in PAGES for block in runnable_blocks(page)]


def test_pages_mark_blocks_runnable() -> None:
    pages = {block.page.name for block in BLOCKS}
    assert {"README.md", "migration-guide.md", "configuration.md"} <= pages, pages


@pytest.mark.parametrize("block", BLOCKS, ids=str)
def test_runnable_block(block: Block) -> None:
    scripts = str(Path(sys.executable).parent)
    env = {
        **os.environ,
        "PATH": scripts + os.pathsep + os.environ.get("PATH", ""),
        "OTEL_TRACES_EXPORTER": "none",
        "OTEL_METRICS_EXPORTER": "none",
        "OTEL_LOGS_EXPORTER": "none",
    }
    if LANGUAGES[block.language] == "bash":
        command = ["bash", "-euo", "pipefail", "-c", block.code]
    else:
        command = [sys.executable, "-c", block.code]
    done = subprocess.run(
        command, cwd=ROOT, env=env, capture_output=True, text=True, timeout=60, check=False
    )
    assert done.returncode == block.exit_status, (
        f"{block}: exit {done.returncode}, marked {block.exit_status}\n{done.stdout}\n{done.stderr}"
    )


def test_marker_without_a_fence_is_an_error(tmp_path: Path) -> None:
    page = tmp_path / "page.md"
    page.write_text("<!-- runnable -->\nnot a fence\n")
    with pytest.raises(
        AssertionError, match=re.escape("page.md:1: runnable marker not followed by")
    ):
        runnable_blocks(page)
    page.write_text("<!-- runnable exit=3 -->\n```ruby\nputs 1\n```\n")
    with pytest.raises(AssertionError, match="unknown language 'ruby'"):
        runnable_blocks(page)
    page.write_text("text\n<!-- runnable exit=3 -->\n```sh\nexit 3\n```\n")
    [block] = runnable_blocks(page)
    assert (block.line, block.code, block.exit_status) == (3, "exit 3\n", 3)


CODEMOD = re.compile(
    r"<!-- codemod: before -->\n```python\n(.*?)```\n\n"
    r"<!-- codemod: after -->\n```python\n(.*?)```",
    re.S,
)


def test_codemod_shapes_in_migrate_md_are_what_the_codemod_does() -> None:
    from otelbridge.migration_tool.pipeline import migrate_source

    pairs = CODEMOD.findall((ROOT / "docs" / "migrate.md").read_text(encoding="utf-8"))
    assert len(pairs) >= 6, "docs/migrate.md lost its before/after pairs"
    for before, after in pairs:
        assert migrate_source(before, "example.py").code == after, before


def test_configuration_reference_names_every_variable_the_code_reads() -> None:
    """Each ``OTEL_*`` constant of ``otelbridge.sdk.environment_variables`` that some other
    module uses, and ``OTEL_PROPAGATORS``, has a row in docs/configuration.md."""
    package = ROOT / "otelbridge"
    constants = package / "sdk" / "environment_variables.py"
    defined = set(re.findall(r"^(OTEL_[A-Z0-9_]+)\s*=", constants.read_text(), re.M))
    used = {"OTEL_PROPAGATORS"}
    for path in package.rglob("*.py"):
        if path != constants:
            used |= defined & set(re.findall(r"\bOTEL_[A-Z0-9_]+\b", path.read_text()))
    reference = (ROOT / "docs" / "configuration.md").read_text()
    missing = sorted(name for name in used if f"`{name}`" not in reference)
    assert not missing, missing
