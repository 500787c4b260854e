"""The project-wide pre-pass for recording test doubles: find them, rewrite their uses.

Runs on the texts the index reads, before it (``pipeline.index_project``): the index and every
file's migration then see ``MockTracer`` where the tests had their double, so the code under test
is handed a tracer (and converts with it) instead of an object of unknown kind. A double whose
every use was rewritten, in a test folder, and that nothing else names any more is removed from
its module. Where a file's uses cannot all be rewritten, the file stays as written and the reason
is kept for its double's module (:attr:`Plan.kept`).
"""

from __future__ import annotations

import ast
import os
import re
from dataclasses import dataclass, field

from otelbridge.migration_tool.double_uses import rewrite, without
from otelbridge.migration_tool.doubles import Double, find, is_test_path, visible
from otelbridge.migration_tool.engine.residue import MARK, scan
from otelbridge.migration_tool.names import OPENTRACING

KEPT = "a recording test double, kept for a use an in-memory exporter cannot replace: {reason}"


@dataclass
class Plan:
    #: path -> text with the doubles' uses rewritten (and unused doubles removed)
    rewritten: dict[str, str] = field(default_factory=dict)
    #: path of a double's module -> why a use elsewhere was left as written, with its place
    kept: dict[str, list[str]] = field(default_factory=dict)


def plan(sources: dict[str, str]) -> Plan:
    """What the pre-pass does to ``sources`` (path -> text)."""
    result = Plan()
    if not any("def start_span" in text for text in sources.values()):
        return result  # no double can be defined here
    doubles = [
        d for path, text in sources.items() if "def start_span" in text for d in _found(path, text)
    ]
    if not doubles:
        return result
    spelled = [re.escape(name) for d in doubles for name in (d.tracer, d.span)]
    names = re.compile(r"\b(" + "|".join(spelled) + r")\b")
    trees = {}
    for path, text in sources.items():
        if names.search(text):  # only a module naming a double can use one
            try:
                trees[path] = ast.parse(text)
            except (SyntaxError, ValueError):
                continue
    texts = dict(sources)
    for path, tree in trees.items():
        seen = visible(path, tree, doubles)
        if not seen:
            continue
        try:
            new, reason = rewrite(sources[path], seen, any(d.path == path for d in seen))
        except Exception as exc:  # a bug here must not stop the run: the file stays as written
            new, reason = None, f"the pre-pass failed here ({type(exc).__name__})"
        if new is not None:
            texts[path] = result.rewritten[path] = new
        elif reason is not None:
            for double in seen:
                where = os.path.relpath(path, os.path.dirname(double.path))
                result.kept.setdefault(double.path, []).append(f"{reason} (in {where})")
    for double in doubles:
        if _unused(double, texts) and is_test_path(double.path):
            texts[double.path] = result.rewritten[double.path] = without(
                texts[double.path], {double.tracer, double.span}
            )
        elif double.path in result.kept:
            marked = _marked(texts[double.path], double, result.kept[double.path][0])
            if marked != texts[double.path]:
                texts[double.path] = result.rewritten[double.path] = marked
    return result


def _marked(text: str, double: Double, reason: str) -> str:
    """``text`` with the double's lines that name the legacy API marked with ``reason`` (the
    generic marker of ``engine/residue.py`` cannot say why a double stayed)."""
    module = ast.parse(text)
    starts = set()
    for node in module.body:
        if isinstance(node, ast.ClassDef) and node.name in (double.tracer, double.span):
            starts |= {s.lineno for s in ast.walk(node) if isinstance(s, ast.stmt)}
    lines = text.splitlines(keepends=True)
    for site in reversed(scan(text, OPENTRACING)):
        if site.marked or site.line not in starts or site.what not in ("code", "definition"):
            continue
        line = lines[site.line - 1]
        indent = line[: len(line) - len(line.lstrip(" \t"))]
        lines.insert(site.line - 1, f"{indent}# {MARK}: {KEPT.format(reason=reason)}\n")
    return "".join(lines)


def _found(path: str, text: str) -> list[Double]:
    try:
        return find(path, ast.parse(text))
    except (SyntaxError, ValueError):
        return []


def _unused(double: Double, texts: dict[str, str]) -> bool:
    """Nothing names the double's classes but their own definitions."""
    names = re.compile(rf"\b({re.escape(double.tracer)}|{re.escape(double.span)})\b")
    for path, text in texts.items():
        found = len(names.findall(text))
        if path == double.path:
            found -= _own_mentions(text, double)
        if found:
            return False
    return True


def _own_mentions(text: str, double: Double) -> int:
    """How often the two classes' own code names them (their ``class`` lines and the
    tracer's construction of its span)."""
    module = ast.parse(text)
    count = 0
    for node in module.body:
        if isinstance(node, ast.ClassDef) and node.name in (double.tracer, double.span):
            source = ast.get_source_segment(text, node) or ""
            count += len(re.findall(rf"\b({double.tracer}|{double.span})\b", source))
    return count
