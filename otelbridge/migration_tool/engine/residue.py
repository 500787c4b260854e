"""No silent leftovers: every line of a migrated file that still uses the legacy API gets a marker.

The transforms flag the sites they decided not to convert; anything else they did not touch (a
receiver of unknown origin, an API they do not map, a requirement string in ``setup.py``) would
stay behind unmarked. This scan reads the migrated text token by token with a
:class:`~otelbridge.migration_tool.engine.vocabulary.Vocabulary`, finds each line that still names
the API (its words, and the names the module imports from its packages: ``aggregation`` of
``from opencensus.stats import aggregation``, whose ``SumAggregation`` OpenTelemetry also has) and,
where no marker is on that line or the one above, adds one:

- a comment line above it (valid anywhere outside a string, inside brackets too);
- inside a docstring, a line of text above it (a docstring is prose: the note does not change
  what the program does);
- after a backslash continuation, a comment at the end of the line.

A line inside another multi-line string cannot be marked without changing a value: it is
reported unmarked. Markers are what a second run recognises, so the scan is idempotent.
"""

from __future__ import annotations

import io
import tokenize
from dataclasses import dataclass
from typing import Callable, Iterator, Optional, Sequence

from otelbridge.migration_tool.engine.vocabulary import Vocabulary

MARK = "TODO(otelbridge)"
_SKIP = frozenset({tokenize.NL, tokenize.COMMENT, tokenize.INDENT, tokenize.DEDENT})
_STATEMENT_START = frozenset(
    {tokenize.NEWLINE, tokenize.INDENT, tokenize.DEDENT, tokenize.ENCODING}
)


@dataclass(frozen=True)
class Site:
    """A line of the (migrated) text that still names the legacy API."""

    line: int
    #: the legacy words found on it, in order
    names: tuple[str, ...]
    #: "import", "code", "definition", "string" or "docstring": what kind of mention it is
    what: str
    marked: bool = False


@dataclass(frozen=True)
class _Mention:
    line: int
    name: str
    what: str


def _own_names(tokens: Sequence[tokenize.TokenInfo], vocab: Vocabulary) -> frozenset[str]:
    """The API's names the module defines itself (``class MockTracer:`` of its own, a stand-in
    for when a library is missing): theirs, not the API's, unless the module imports them."""
    defined, imported = set(), set()
    previous: Optional[tokenize.TokenInfo] = None
    for token in tokens:
        if token.type == tokenize.NAME and token.string in vocab.names and previous is not None:
            if previous.string in ("class", "def"):
                defined.add(token.string)
            elif previous.string in ("import", ","):
                imported.add(token.string)
        if token.type not in _SKIP:
            previous = token
    return frozenset(defined - imported)


def _imported(
    tokens: Sequence[tokenize.TokenInfo], vocab: Vocabulary, own: Callable[[str], bool]
) -> frozenset[str]:
    """The names the module binds by importing from the API's packages (``from opencensus.stats
    import aggregation``, ``import opencensus.tags as tags_module``): a use of one is the API.
    Not those the project defines itself (``own`` of the dotted name: a namespace package's
    in-house module)."""
    bound: set[str] = set()
    statement: list[str] = []
    for token in tokens:
        if token.type in (tokenize.NEWLINE, tokenize.ENDMARKER):
            bound.update(name for name, source in _bound_by(statement, vocab) if not own(source))
            statement = []
        elif token.type in (tokenize.NAME, tokenize.OP):
            statement.append(token.string)
    return frozenset(bound)


def _bound_by(statement: Sequence[str], vocab: Vocabulary) -> Iterator[tuple[str, str]]:
    """The names an import statement (as its tokens) binds from the API's packages, each with
    the dotted name it binds."""
    if len(statement) < 2 or statement[0] not in ("import", "from"):
        return
    text = " ".join(statement).replace(" . ", ".")
    source = ""
    if statement[0] == "from":
        source, _, text = text[len("from ") :].partition(" import ")
        if source.split(".")[0] not in vocab.modules:
            return
    else:
        text = text[len("import ") :]
    for part in text.split(","):
        words = part.replace("(", " ").replace(")", " ").split()
        if not words or words[0] == "*":
            continue
        dotted = f"{source}.{words[0]}" if source else words[0]
        if len(words) == 3 and words[1] == "as" and dotted.split(".")[0] in vocab.modules:
            yield words[2], dotted  # from <api> import x as y; import <api>.x as y
        elif len(words) == 1 and source:
            yield words[0], dotted  # from <api> import x (``import <api>.x`` binds the API's name)


def _nothing_own(dotted: str) -> bool:
    return False


def _mentions(
    tokens: Sequence[tokenize.TokenInfo],
    vocab: Vocabulary,
    own_module: Callable[[str], bool] = _nothing_own,
) -> Iterator[_Mention]:
    own = _own_names(tokens, vocab)
    imported = _imported(tokens, vocab, own_module) - own - vocab.names
    depth = 0
    previous: list[tokenize.TokenInfo] = []  # significant tokens so far (the last three matter)
    statement_is_import = False
    parameters = 0  # the depth of the ``def`` parameter list we are in (0: none)
    blocks: list[str] = []  # the open indented blocks: "class", "def" or "" (if, for, ...)
    header = ""  # the kind of block the statement being read opens, if it does
    for index, token in enumerate(tokens):
        kind, text = token.type, token.string
        if kind == tokenize.INDENT:
            blocks.append(header)
        elif kind == tokenize.DEDENT and blocks:
            blocks.pop()
        if kind in _SKIP:
            continue
        if kind == tokenize.OP and text in "([{":
            depth += 1
            if text == "(" and len(previous) >= 2 and previous[-2].string == "def":
                parameters = depth
        elif kind == tokenize.OP and text in ")]}":
            if depth == parameters:
                parameters = 0
            depth = max(0, depth - 1)
        last = previous[-1] if previous else None
        at_start = last is None or last.type in _STATEMENT_START
        if at_start:
            statement_is_import = kind == tokenize.NAME and text in ("import", "from")
            header = text if text in ("class", "def") else "def" if text == "async" else ""
        if kind == tokenize.NAME:
            after_dot = last is not None and last.string == "."
            what = "import" if statement_is_import else "code"
            if (
                (text in vocab.names and text not in own)
                or (text in imported and not after_dot)
                or (text in vocab.modules and not after_dot)
                or (after_dot and text in vocab.members)
            ):
                yield _Mention(token.start[0], text, what)
            elif (
                last is not None
                and last.string == "def"
                and _in_class(blocks)
                and _defines(vocab, text)
            ):
                yield _Mention(token.start[0], text, "definition")
            elif after_dot and len(previous) >= 2 and previous[-2].type == tokenize.NAME:
                receiver = previous[-2].string.lower()
                if any(receiver.endswith(r) and text == m for r, m in vocab.receiver_members):
                    yield _Mention(token.start[0], f"{previous[-2].string}.{text}", what)
            elif (  # a keyword argument, not a parameter of the same name with a default
                depth
                and depth != parameters
                and text in vocab.keywords
                and _next_is(tokens, index, "=")
            ):
                yield _Mention(token.start[0], text + "=", what)
        elif kind == tokenize.STRING and vocab.string_mentions(text):
            docstring = at_start and _next_type(tokens, index) in (
                tokenize.NEWLINE,
                tokenize.ENDMARKER,
            )
            for offset, part in enumerate(text.split("\n")):
                for word in vocab.words_in(part):
                    yield _Mention(
                        token.start[0] + offset, word, "docstring" if docstring else "string"
                    )
        previous.append(token)
        if len(previous) > 3:
            del previous[0]


def _in_class(blocks: Sequence[str]) -> bool:
    """Whether a ``def`` here makes a method: the innermost class or function block around it is
    a class. A function elsewhere implements no object's interface, whatever its name."""
    return next((block for block in reversed(blocks) if block), "") == "class"


def _defines(vocab: Vocabulary, name: str) -> bool:
    """A method of the API's interface (a test double, a wrapper that implements it)."""
    return name in vocab.members or any(name == member for _, member in vocab.receiver_members)


def _next_is(tokens: Sequence[tokenize.TokenInfo], index: int, text: str) -> bool:
    following = _next(tokens, index)
    return following is not None and following.string == text


def _next_type(tokens: Sequence[tokenize.TokenInfo], index: int) -> Optional[int]:
    following = _next(tokens, index)
    return None if following is None else following.type


def _next(tokens: Sequence[tokenize.TokenInfo], index: int) -> Optional[tokenize.TokenInfo]:
    for token in tokens[index + 1 :]:
        if token.type not in _SKIP:
            return token
    return None


@dataclass
class Residue:
    """The result of :func:`mark`: the text with markers, and every site left in it."""

    text: str
    sites: list[Site]

    @property
    def marked(self) -> int:
        return sum(site.marked for site in self.sites)


def scan(text: str, vocab: Vocabulary) -> list[Site]:
    """The lines of ``text`` that still name the API (``text`` must tokenize)."""
    tokens = list(tokenize.generate_tokens(io.StringIO(text).readline))
    lines = text.splitlines()
    return _sites(_mentions(tokens, vocab), lines)


def _sites(mentions: Iterator[_Mention], lines: Sequence[str]) -> list[Site]:
    by_line: dict[int, list[_Mention]] = {}
    for mention in mentions:
        by_line.setdefault(mention.line, []).append(mention)
    sites = []
    for line, found in sorted(by_line.items()):
        names = tuple(dict.fromkeys(m.name for m in found))
        kinds = {m.what for m in found}
        what = next(k for k in _PRECEDENCE if k in kinds)
        sites.append(Site(line, names, what, _is_marked(lines, line)))
    return sites


#: A line with several kinds of mention is reported as the first of them.
_PRECEDENCE = ("code", "definition", "import", "docstring", "string")


def _is_marked(lines: Sequence[str], line: int) -> bool:
    return MARK in lines[line - 1] or (line > 1 and MARK in lines[line - 2])


def reason(site: Site, vocab: Vocabulary) -> str:
    """What the marker of a site the transforms left says."""
    names = ", ".join(f"`{n}`" for n in site.names[:3])
    if site.what == "import":
        return f"still imports {vocab.name} ({names}): used by the unconverted code of this file"
    if site.what == "definition":
        return f"defines {names} of the {vocab.name} API (a test double or wrapper?): review"
    if site.what == "docstring":
        return f"the documentation names {vocab.name} ({names}): update it"
    if site.what == "string":
        return (
            f"a string names {vocab.name} ({names}): a requirement, patch target or import "
            "path to update by hand"
        )
    return f"still uses {vocab.name} ({names}): not converted, review"


#: Docstrings are prose: their marker names no legacy word (it would be a mention itself).
DOCSTRING_NOTE = MARK + ": this text names the legacy tracing API; update it"


def mark(text: str, vocab: Vocabulary, own_module: Callable[[str], bool] = _nothing_own) -> Residue:
    """``text`` with a marker at every unmarked site; the sites' lines are those of the result.
    ``own_module`` tells a dotted name in the API's namespace that the project defines itself."""
    tokens = list(tokenize.generate_tokens(io.StringIO(text).readline))
    lines = text.splitlines(keepends=True)
    plain = [line.rstrip("\r\n") for line in lines]
    sites = _sites(_mentions(tokens, vocab, own_module), plain)
    if all(site.marked for site in sites):
        return Residue(text, sites)
    interior, continued, ends_open = _line_context(tokens, len(lines))
    out: list[str] = []
    result: list[Site] = []
    pending = {site.line: site for site in sites}
    for number, line in enumerate(lines, 1):
        site = pending.get(number)
        if site is None or site.marked:
            out.append(line)
            if site is not None:
                result.append(Site(len(out), site.names, site.what, True))
            continue
        ending = line[len(line.rstrip("\r\n")) :] or "\n"
        indent = line[: len(line) - len(line.lstrip(" \t"))]
        if not interior[number] and not continued[number]:
            out.append(f"{indent}# {MARK}: {reason(site, vocab)}{ending}")
            out.append(line)
        elif interior[number] and site.what == "docstring":
            out.append(f"{indent}{DOCSTRING_NOTE}{ending}")
            out.append(line)
        elif not ends_open[number]:
            out.append(f"{line.rstrip(chr(13) + chr(10))}  # {MARK}: {reason(site, vocab)}{ending}")
        else:
            out.append(line)
            result.append(Site(len(out), site.names, site.what, False))
            continue
        result.append(Site(len(out), site.names, site.what, True))
    return Residue("".join(out), result)


def _line_context(
    tokens: Sequence[tokenize.TokenInfo], count: int
) -> tuple[list[bool], list[bool], list[bool]]:
    """Per line (1-based): starts inside a multi-line string; continues a backslash-joined line;
    ends where a comment cannot go (inside a string, or on a backslash)."""
    interior = [False] * (count + 2)
    continued = [False] * (count + 2)
    ends_open = [False] * (count + 2)
    last_row = 0
    for token in tokens:
        start, end = token.start[0], token.end[0]
        if token.type == tokenize.STRING and end > start:
            for row in range(start + 1, end + 1):
                interior[row] = True
            for row in range(start, end):
                ends_open[row] = True
        joined = last_row and start > last_row  # no NL/NEWLINE in between: a backslash join
        if joined and token.type not in (tokenize.COMMENT, tokenize.DEDENT):
            for row in range(last_row + 1, start + 1):
                continued[row] = True
            for row in range(last_row, start):
                ends_open[row] = True
        if token.type in (tokenize.NL, tokenize.NEWLINE):
            last_row = 0
        elif token.type not in (tokenize.COMMENT, tokenize.INDENT, tokenize.DEDENT):
            last_row = end
    return interior, continued, ends_open
