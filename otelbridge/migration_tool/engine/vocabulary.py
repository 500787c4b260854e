"""What names a legacy API, independently of any one library: the words that betray its use.

A :class:`Vocabulary` drives the two text-level steps of the engine, both library-agnostic: the
pre-filter (which files to parse at all) and the residue scan (which lines of a migrated file
still use the legacy API, so that none is left unmarked). Each legacy library the codemod knows
(OpenTracing today, OpenCensus next) is one instance.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import FrozenSet, Pattern, Tuple


@dataclass(frozen=True)
class Vocabulary:
    """The words of one legacy API."""

    #: human name, for markers and reports ("OpenTracing")
    name: str
    #: top-level module names (``opentracing``): a name token or a word in a string
    modules: Tuple[str, ...]
    #: attribute or method names only this API has (``start_active_span``), after a dot
    members: FrozenSet[str] = frozenset()
    #: names that betray the API wherever they appear, bare or after a dot (``MockTracer``)
    names: FrozenSet[str] = frozenset()
    #: keyword argument names of its calls (``child_of=``)
    keywords: FrozenSet[str] = frozenset()
    #: ``(receiver suffix, member)``: generic members that are the API only on such receivers
    #: (``scope.span``, ``span.finish(...)``); the receiver is the name just before the dot
    receiver_members: Tuple[Tuple[str, str], ...] = ()
    _filter: Pattern[str] = field(init=False, repr=False, compare=False)
    _words: Tuple[str, ...] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        words = sorted({*self.modules, *self.members, *self.names, *self.keywords})
        # Receiver members are too generic (``span.finish``) to make a file a candidate: they
        # count only in files that are candidates already.
        pattern = r"\b(?:{})\b".format("|".join(map(re.escape, words)))
        object.__setattr__(self, "_filter", re.compile(pattern))
        object.__setattr__(self, "_words", tuple(words))

    def mentioned_in(self, source: str) -> bool:
        """The cheap pre-filter: could this text use the API at all? (Over-approximates: a word
        in a comment counts; the parse decides.) Substring tests first: a few times faster than
        the word-bounded pattern on the many files that contain none of the words."""
        return any(word in source for word in self._words) and (
            self._filter.search(source) is not None
        )

    def words_in(self, text: str) -> list[str]:
        """The API's words in ``text``, in order."""
        return self._filter.findall(text)

    def string_mentions(self, text: str) -> bool:
        """Whether a string literal names the API as a word: an import path, a requirement, a
        patch target, a code example in a docstring."""
        return self.mentioned_in(text)
