"""The codemod's own import edits: what is added where, and what a legacy import removal keeps."""

from __future__ import annotations

import textwrap

import libcst as cst
import pytest

from otelbridge.migration_tool.imports import (
    add_imports,
    names_read,
    remove_unused_imports,
    unalias,
)
from otelbridge.migration_tool.pipeline import migrate_source
from otelbridge.migration_tool.walk import walk


def module(text: str) -> cst.Module:
    return cst.parse_module(textwrap.dedent(text).lstrip())


def code(text: str) -> str:
    return textwrap.dedent(text).lstrip()


@pytest.mark.parametrize(
    ("before", "needed", "after"),
    [
        (  # after the docstring and the top import block, a blank line before the code
            '''
            """Doc."""
            import os
            x = 1
            ''',
            [("opentelemetry", "trace", None), ("opentelemetry", "propagate", None)],
            '''
            """Doc."""
            import os
            from opentelemetry import propagate, trace

            x = 1
            ''',
        ),
        (  # merged into an existing from-import of the top block
            """
            from opentelemetry import trace  # keep me
            x = 1
            """,
            [("opentelemetry", "baggage", None), ("opentelemetry", "trace", None)],
            """
            from opentelemetry import baggage, trace  # keep me
            x = 1
            """,
        ),
        (  # an alias when the plain name is taken; a star import already provides everything
            """
            from otelbridge.sdk import *
            """,
            [("otelbridge.sdk", "configure", None), ("opentelemetry", "trace", "otel_trace")],
            """
            from otelbridge.sdk import *
            from opentelemetry import trace as otel_trace
            """,
        ),
    ],
)
def test_add_imports(before: str, needed: list, after: str) -> None:
    assert add_imports(module(before), needed).code == code(after)


@pytest.mark.parametrize(
    ("before", "after"),
    [
        (  # read only inside the guarded try: imported there, before the legacy import
            """
            import logging
            try:
                # the exporter is optional
                from opencensus.trace.tracer import Tracer
                handler = LoggingHandler()
            except ImportError:
                handler = None
            """,
            """
            import logging
            try:
                # the exporter is optional
                from opentelemetry.sdk._logs import LoggingHandler
                from opencensus.trace.tracer import Tracer
                handler = LoggingHandler()
            except ImportError:
                handler = None
            """,
        ),
        (  # read outside it too, or the try does not catch ImportError: the top, as usual
            """
            import logging
            try:
                from opencensus.trace.tracer import Tracer
                handler = LoggingHandler()
            except ImportError:
                handler = LoggingHandler()
            try:
                from opencensus.trace import samplers
                other = LoggingHandler()
            except ValueError:
                pass
            """,
            """
            import logging
            from opentelemetry.sdk._logs import LoggingHandler

            try:
                from opencensus.trace.tracer import Tracer
                handler = LoggingHandler()
            except ImportError:
                handler = LoggingHandler()
            try:
                from opencensus.trace import samplers
                other = LoggingHandler()
            except ValueError:
                pass
            """,
        ),
    ],
)
def test_imports_of_an_optional_legacy_package_stay_guarded(before: str, after: str) -> None:
    needed = [("opentelemetry.sdk._logs", "LoggingHandler", None)]
    assert add_imports(module(before), needed, {"opencensus"}).code == code(after)


def test_names_read_counts_uses_not_imports_or_attributes() -> None:
    tree = module(
        """
        import opentracing
        from opentracing import Format as F
        __all__ = ["exported"]
        def f(span: "opentracing.Span") -> None:
            other.tags.x = F
        """
    )
    used = names_read(tree)
    assert {"opentracing", "Span", "exported", "F", "other", "f", "span"} <= used
    assert "tags" not in used and "x" not in used


@pytest.mark.parametrize(
    ("before", "after"),
    [
        (  # one name of several, in a parenthesised import with a trailing comma
            """
            from opentracing import (
                Format,
                tags,
            )
            use(Format)
            """,
            """
            from opentracing import (
                Format,
            )
            use(Format)
            """,
        ),
        (  # a whole line: its comments move to the next statement
            """
            # tracing
            import opentracing  # legacy
            x = 1
            """,
            """
            # tracing
            # legacy
            x = 1
            """,
        ),
        (  # the file's first line: the blank line after it does not open the file
            """
            import opentracing

            from app import helpers
            helpers.run()
            """,
            """
            from app import helpers
            helpers.run()
            """,
        ),
        (  # under a comment heading the file (the module's header), the blank line stays
            """
            # Copyright
            import opentracing

            from app import helpers
            """,
            """
            # Copyright

            from app import helpers
            """,
        ),
        (  # nested imports; an emptied block gets ``pass``, a semicolon line keeps the rest
            """
            try:
                import opentracing
            except ImportError:
                pass
            def f():
                import opentracing; g()
            """,
            """
            try:
                pass
            except ImportError:
                pass
            def f():
                g()
            """,
        ),
    ],
)
def test_remove_unused_imports(before: str, after: str) -> None:
    tree = module(before)
    candidates = [
        ("opentracing", None, None),
        ("opentracing", "Format", None),
        ("opentracing", "tags", None),
    ]
    assert remove_unused_imports(tree, candidates, names_read(tree)).code == code(after)


def test_import_used_only_in_a_string_annotation_is_kept() -> None:
    source = code(
        """
        import opentracing

        def handle(span: "opentracing.Span") -> None:
            opentracing.global_tracer().start_span("x").finish()
        """
    )
    result = migrate_source(source)
    assert "import opentracing\n" in result.code
    assert "trace.get_tracer(__name__).start_span" in result.code


def test_walk_skips_whitespace_and_can_stay_out_of_nodes() -> None:
    tree = module("import a\nf(x,  y)  # note\n")
    kinds = {type(node) for node in walk(tree, opaque=(cst.Import,))}
    assert cst.Name in kinds and cst.Call in kinds and cst.Import in kinds
    assert not kinds & {cst.ImportAlias, cst.Comma, cst.Comment, cst.TrailingWhitespace}
    names = [node.value for node in walk(tree) if isinstance(node, cst.Name)]
    assert sorted(names) == ["a", "f", "x", "y"]


def test_walk_does_not_yield_the_name_after_a_dot() -> None:
    names = [node.value for node in walk(module("a.b.c(d)\n")) if isinstance(node, cst.Name)]
    assert sorted(names) == ["a", "d"]


def test_an_otel_alias_goes_once_the_name_is_free() -> None:
    """``ZipkinExporter as otel_ZipkinExporter`` was asked for while OpenCensus' ZipkinExporter
    held the name; once that import went, the alias goes too, but not while anything else
    (a variable, another import, a member of the same name) still says ``ZipkinExporter``."""
    aliased = [("otelbridge.sdk.export.zipkin", "ZipkinExporter", "otel_ZipkinExporter")]
    free = module(
        """
        from otelbridge.sdk.export.zipkin import ZipkinExporter as otel_ZipkinExporter

        exporters = [otel_ZipkinExporter()]
        other.otel_ZipkinExporter = 1
        """
    )
    assert unalias(free, aliased, names_read(free)).code == code(
        """
        from otelbridge.sdk.export.zipkin import ZipkinExporter

        exporters = [ZipkinExporter()]
        other.otel_ZipkinExporter = 1
        """
    )
    for taken in ("ZipkinExporter = make()", "from elsewhere import ZipkinExporter"):
        held = module(free.code + taken + "\n")
        assert unalias(held, aliased, names_read(held)).code == held.code
