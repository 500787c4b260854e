"""The ``--report`` file: JSON for tools, Markdown for people."""

from __future__ import annotations

import json
from collections import Counter
from typing import Any, Sequence

from otelbridge.migration_tool.findings import STATUSES, FileResult

#: ``--report`` file name endings: Markdown for people, JSON for tools.
FORMATS = (".json", ".md")


def summary(results: Sequence[FileResult]) -> dict[str, int]:
    counts = Counter(result.status for result in results)
    data = {status: counts.get(status, 0) for status in STATUSES}
    data["files"] = len(results)
    data["rewrites"] = sum(result.rewrites for result in results)
    data["review"] = sum(len(result.findings) for result in results)
    data["remaining"] = sum(len(result.remaining) for result in results)
    data["marked"] = sum(site.marked for result in results for site in result.remaining)
    return data


def to_json(results: Sequence[FileResult], mode: str) -> str:
    document: dict[str, Any] = {
        "mode": mode,
        "summary": summary(results),
        # Unchanged files carry nothing worth reporting; their count is in the summary.
        "files": [
            r.to_json() for r in results if r.status != "unchanged" or r.findings or r.remaining
        ],
    }
    return json.dumps(document, indent=2) + "\n"


def to_markdown(results: Sequence[FileResult], mode: str) -> str:
    counts = summary(results)
    lines = [
        "# otelbridge migrate report",
        "",
        f"Mode `{mode}`: {counts['files']} files, {counts['changed']} changed, "
        f"{counts['rewrites']} rewrites, {counts['review']} sites to review, "
        f"{counts['failed']} failed, {counts['skipped']} skipped; "
        f"{counts['remaining']} legacy sites remain ({counts['marked']} marked).",
        "",
    ]
    failed = [r for r in results if r.status in ("failed", "skipped")]
    if failed:
        lines += ["## Files not migrated", "", "| file | status | reason |", "| --- | --- | --- |"]
        lines += [f"| `{r.path}` | {r.status} | {_cell(r.error or '')} |" for r in failed]
        lines.append("")
    review = [r for r in results if r.findings]
    if review:
        lines += [
            "## Sites to review",
            "",
            "| file | line | rule | reason |",
            "| --- | --- | --- | --- |",
        ]
        for r in review:
            lines += [
                f"| `{r.path}` | {f.line} | {f.rule} | {_cell(f.reason)} |" for f in r.findings
            ]
        lines.append("")
    remaining = [r for r in results if r.remaining]
    if remaining:
        lines += [
            "## Legacy sites left (lines of the migrated files)",
            "",
            "| file | line | what | names | marked |",
            "| --- | --- | --- | --- | --- |",
        ]
        for r in remaining:
            lines += [
                f"| `{r.path}` | {s.line} | {s.what} | {_cell(', '.join(s.names))} | "
                f"{'yes' if s.marked else 'no'} |"
                for s in r.remaining
            ]
        lines.append("")
    return "\n".join(lines)


def _cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def render(results: Sequence[FileResult], mode: str, filename: str) -> str:
    return to_markdown(results, mode) if filename.endswith(".md") else to_json(results, mode)
