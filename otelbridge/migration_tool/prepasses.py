"""What the LibCST pre-passes share: each module naming some words, rewritten on its own.

A pre-pass (``patched_mocks.py``, ``active_scopes.py``) rewrites the texts the whole-project
index reads, before it. Only modules whose text names all of its words are parsed; a module that
does not parse, or that a bug in the pass fails on, stays as written (the run goes on).
"""

from __future__ import annotations

from typing import Callable

import libcst as cst
from libcst.metadata import MetadataWrapper


class ChangingTransformer(cst.CSTTransformer):
    """A pre-pass' transformer: it sets ``changed`` when it rewrites the module."""

    changed = False


def rewrite_each(
    sources: dict[str, str],
    words: tuple[str, ...],
    transformer: Callable[[MetadataWrapper], ChangingTransformer],
) -> dict[str, str]:
    """For ``sources`` (path -> text): the new text of each module ``transformer`` changed,
    among those naming every one of ``words``."""
    rewritten = {}
    for path, text in sources.items():
        if not all(word in text for word in words):
            continue
        try:
            wrapper = MetadataWrapper(cst.parse_module(text))
            visitor = transformer(wrapper)
            new = wrapper.module.visit(visitor)
        except Exception:  # a file that does not parse, or a bug here: the file stays as written
            continue
        if visitor.changed:
            rewritten[path] = new.code
    return rewritten
