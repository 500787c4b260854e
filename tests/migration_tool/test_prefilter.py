"""The pre-filter's fast paths (substring tests, ASCII case folding) answer what its patterns do."""

from __future__ import annotations

import re

import pytest

from otelbridge.migration_tool.names import OPENCENSUS, OPENTRACING
from otelbridge.migration_tool.prefilter import is_candidate, may_trace, mentions_legacy

TEXTS = [
    "import collections\n\ndef total(rows):\n    return sum(rows)\n",
    "import opentracing\ntracer = opentracing.global_tracer()\n",
    "from lib.tracing import init_tracer\n",  # generic word only
    "with TRACER.start_active_span('x') as scope:\n    scope.span.log_kv({})\n",
    "self.set_tags(x)  # a longer name only\n",
    "reset_tag = 1\nunset_tag_now = 2\n",
    "x.set_tag('k', 1)\n",
    "opentracing_utils = None\n",  # module name as a prefix of another word
    "from opencensus.trace import execution_context\n",
    "measure_int_put_all = 3\n",
    "SPAN_COUNT = 3\n",  # the generic words in any case
    "Spanner = object\n",
    "wingspan = 4\n",
    "x = '\u017fpan'\n",  # a long s: the case-insensitive pattern matches it
    "K = 'ᴋ tracer'\n",  # non-ASCII text with an ASCII word
    "name = 'Ünïcödé only'\n",
    "",
]


def _words(text: str) -> bool:
    return re.search(r"tracer|span", text, re.IGNORECASE) is not None


@pytest.mark.parametrize("text", TEXTS)
def test_same_answers_as_the_patterns(text: str) -> None:
    legacy = any(v._filter.search(text) is not None for v in (OPENTRACING, OPENCENSUS))
    assert mentions_legacy(text) is legacy
    assert may_trace(text) is (legacy or _words(text))
    for vocabulary in (OPENTRACING, OPENCENSUS):
        assert vocabulary.string_mentions(text) is (vocabulary._filter.search(text) is not None)


def test_expected_answers() -> None:
    assert not mentions_legacy(TEXTS[0]) and not may_trace(TEXTS[0])
    assert mentions_legacy(TEXTS[1])
    assert may_trace(TEXTS[2]) and not mentions_legacy(TEXTS[2])
    assert not mentions_legacy(TEXTS[4]) and not mentions_legacy(TEXTS[5])
    assert mentions_legacy(TEXTS[6]) and not mentions_legacy(TEXTS[7])
    assert may_trace("x = '\u017fpan'\n") and not may_trace("name = 'Ünïcödé only'\n")


class _Project:
    """An index stand-in: the project defines the modules named."""

    def __init__(self, *modules: str) -> None:
        self._modules = set(modules)

    def holds_kinds(self, path: str) -> bool:
        return False

    def defines(self, module: str) -> bool:
        return module in self._modules


def test_a_file_naming_only_an_integration_is_migrated_unless_it_is_the_project() -> None:
    source = "from grpc_opentracing import open_tracing_client_interceptor\n"
    assert not mentions_legacy(source) and may_trace(source)
    assert is_candidate(source, "client.py", None)
    assert is_candidate(source, "client.py", _Project("app"))
    assert not is_candidate(source, "tests/test_client.py", _Project("grpc_opentracing"))
