"""engine/scopes.py: the faster scope analysis must give what LibCST's own resolution gives."""

from __future__ import annotations

from typing import Any, Mapping, Optional

import libcst as cst
from libcst.metadata import ExpressionContextProvider, MetadataWrapper, ScopeProvider

from otelbridge.migration_tool.engine.scopes import resolve_scopes

PROGRAM = '''
import opentracing
from opentracing.ext import tags as ot_tags

tracer = opentracing.global_tracer()
counter = 0


class Base:
    pass


class Handler(Base, metaclass=type):
    """Bases and keywords are read in the enclosing scope (LibCST's ClassDef_bases hook)."""

    kind: str = ot_tags.SPAN_KIND_RPC_SERVER
    names = [kind for _ in range(2)]

    @staticmethod
    def handle(request: "Request", *args: int, retries: int = 3, **kw: str) -> Optional[int]:
        global counter
        counter += 1
        with tracer.start_active_span("handle", tags={ot_tags.SPAN_KIND: Handler.kind}) as scope:
            scope.span.set_tag("retries", retries)
            total = sum(x * 2 for x in args if (y := x) > 0)
            del kw
            def inner() -> int:
                nonlocal total
                total += 1
                return total
            return (lambda value=total: value + inner())()


def main() -> None:
    try:
        Handler.handle(None, 1, 2)
    except (ValueError, KeyError) as error:
        print(error)
    finally:
        tracer.close()
'''


def _shape(scopes: Mapping[cst.CSTNode, Optional[Any]]) -> list[tuple[Any, ...]]:
    """What a scope map says, by node order (the two trees are two parses of one text)."""
    ids: dict[int, int] = {}
    rows = []
    for node, scope in scopes.items():
        number = ids.setdefault(id(scope), len(ids)) if scope is not None else None
        code = node.value if isinstance(node, (cst.Name, cst.SimpleString)) else ""
        row: tuple[Any, ...] = (type(node).__name__, code, type(scope).__name__, number)
        if scope is not None:
            assignments = sorted(
                (a.name, type(a).__name__, len(a.references)) for a in scope.assignments
            )
            accesses = sorted(
                (a.node.value if isinstance(a.node, cst.Name) else "", len(a.referents))
                for a in scope.accesses
            )
            row += (tuple(assignments), tuple(accesses))
        rows.append(row)
    return rows


def test_same_scopes_as_libcst_resolution() -> None:
    expected = MetadataWrapper(cst.parse_module(PROGRAM), unsafe_skip_copy=True)
    fast = MetadataWrapper(cst.parse_module(PROGRAM), unsafe_skip_copy=True)
    scopes = resolve_scopes(fast)
    assert _shape(scopes) == _shape(expected.resolve(ScopeProvider))
    contexts = [
        (type(node).__name__, context)
        for node, context in fast.resolve(ExpressionContextProvider).items()
    ]
    assert contexts == [
        (type(node).__name__, context)
        for node, context in expected.resolve(ExpressionContextProvider).items()
    ]
    assert len(contexts) > 20


def test_cached_in_the_wrapper() -> None:
    wrapper = MetadataWrapper(cst.parse_module(PROGRAM), unsafe_skip_copy=True)
    scopes = resolve_scopes(wrapper)
    assert wrapper.resolve(ScopeProvider) is scopes
    assert resolve_scopes(wrapper) is scopes
