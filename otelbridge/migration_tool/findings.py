"""What a migration run found in one file: review-needed sites and the per-file outcome."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any, Optional

from otelbridge.migration_tool.engine.index import SymbolKey
from otelbridge.migration_tool.engine.residue import Site

TODO_PREFIX = "# TODO(otelbridge): "


@dataclass(frozen=True)
class Finding:
    """A site left unchanged (or partly mapped) because the rewrite could not be proven safe."""

    rule: str
    reason: str
    line: int
    column: int


@dataclass
class FileResult:
    """The outcome for one file. ``status`` is one of the ``STATUSES`` below."""

    path: str
    status: str
    rewrites: int = 0
    findings: list[Finding] = field(default_factory=list)
    error: Optional[str] = None
    traceback: Optional[str] = None
    diff: str = ""
    #: legacy sites left in the file as migrated (lines of the migrated text), marked or not
    remaining: list[Site] = field(default_factory=list)
    #: project symbols kept on OpenTracing here, for the next round (not reported)
    kept: set[SymbolKey] = field(default_factory=set)

    def to_json(self) -> dict[str, Any]:
        data = asdict(self)
        del data["diff"], data["kept"]
        return data


#: unchanged: nothing to do; changed: rewritten (or would be); skipped: not migrated (a generated
#: file, Python 2 code);
#: failed: left untouched because it could not be read, parsed or safely rewritten.
STATUSES = ("unchanged", "changed", "skipped", "failed")
