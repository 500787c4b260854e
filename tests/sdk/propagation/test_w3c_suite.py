"""The W3C Trace Context test suite (w3c/trace-context ``test/test.py``, strict level 2), case by
case, against a real HTTP service on 127.0.0.1 built on our SDK.

The suite is not published as a package, so its cases are encoded here. As in the suite, the
harness sends headers (repeats and casing preserved) to the service; the service extracts the
context with our ``TraceContextTextMapPropagator``, starts a span per requested callback and
injects it into the callback's headers, which the harness then checks. Tracestate cases follow
Trace Context Level 2 (keys may contain ``@`` anywhere after the first character; a repeated key
is inherited once).
"""

from __future__ import annotations

import http.client
import json
import re
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any, Dict, Iterator, List, Optional, Tuple
from urllib.parse import parse_qs, urlsplit

import pytest
from opentelemetry import trace
from opentelemetry.propagators.textmap import Getter

from otelbridge.sdk.propagation.tracecontext import TraceContextTextMapPropagator
from otelbridge.sdk.trace import TracerProvider

Headers = List[Tuple[str, str]]
TRACE_ID = "12345678901234567890123456789012"
PARENT = f"00-{TRACE_ID}-1234567890123456-00"
_TRACEPARENT = re.compile(r"^([0-9a-f]{2})-([0-9a-f]{32})-([0-9a-f]{16})-([0-9a-f]{2})$")
_MEMBER = re.compile(
    r"^[a-z0-9][_0-9a-z\-*/@]{0,255}=[\x20-\x2b\x2d-\x3c\x3e-\x7e]{0,255}[\x21-\x2b\x2d-\x3c\x3e-\x7e]$"
)


class _MessageGetter(Getter[Any]):
    """Reads an ``http.server`` request's headers: case-insensitive, every repeat."""

    def get(self, carrier: Any, key: str) -> Optional[List[str]]:
        return carrier.get_all(key)

    def keys(self, carrier: Any) -> List[str]:
        return list(carrier.keys())


class _Service(BaseHTTPRequestHandler):
    propagator = TraceContextTextMapPropagator()
    getter = _MessageGetter()
    tracer: trace.Tracer

    def do_POST(self) -> None:
        callbacks = int(parse_qs(urlsplit(self.path).query).get("callbacks", ["1"])[0])
        context = self.propagator.extract(self.headers, getter=self.getter)
        sent: List[Dict[str, str]] = []
        for _ in range(callbacks):
            with self.tracer.start_as_current_span("callback", context=context):
                carrier: Dict[str, str] = {}
                self.propagator.inject(carrier)
                sent.append(carrier)
        body = json.dumps(sent).encode()
        self.send_response(200)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, format: str, *args: Any) -> None:  # quiet
        return None


@pytest.fixture(scope="module")
def service() -> Iterator[int]:
    provider = TracerProvider(shutdown_on_exit=False)
    _Service.tracer = provider.get_tracer("w3c-suite")
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Service)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield server.server_address[1]
    server.shutdown()
    server.server_close()
    provider.shutdown()


class Traceparent:
    def __init__(self, header: str) -> None:
        match = _TRACEPARENT.match(header)
        assert match, f"invalid traceparent {header!r}"
        version, self.trace_id, self.parent_id, flags = match.groups()
        assert version == "00"
        assert self.trace_id != "0" * 32 and self.parent_id != "0" * 16
        self.flags = int(flags, 16)


def _tracestate(header: Optional[str]) -> Dict[str, str]:
    """The harness's view: members in order; anything invalid fails the case."""
    state: Dict[str, str] = {}
    for member in (header or "").split(","):
        member = member.strip(" \t")
        if not member:
            continue
        assert _MEMBER.match(member), f"service sent an invalid tracestate member {member!r}"
        key, _, value = member.partition("=")
        assert key not in state, f"service sent {key!r} twice"
        state[key] = value
    assert len(state) <= 32
    return state


def request(port: int, headers: Headers, callbacks: int = 1) -> List[Dict[str, str]]:
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
    try:
        connection.putrequest("POST", f"/test?callbacks={callbacks}")
        for name, value in headers:
            connection.putheader(name, value)
        connection.putheader("Content-Length", "0")
        connection.endheaders()
        response = connection.getresponse()
        assert response.status == 200
        sent: List[Dict[str, str]] = json.loads(response.read())
    finally:
        connection.close()
    assert len(sent) == callbacks
    return sent


def context_of(port: int, headers: Headers) -> Tuple[Traceparent, Dict[str, str], str]:
    (sent,) = request(port, headers)
    assert list(sent).count("traceparent") == 1
    return (
        Traceparent(sent["traceparent"]),
        _tracestate(sent.get("tracestate")),
        sent.get("tracestate", ""),
    )


def inherited(port: int, headers: Headers) -> bool:
    return context_of(port, headers)[0].trace_id == TRACE_ID


def state_of(port: int, *states: str, parent: str = PARENT) -> Dict[str, str]:
    return context_of(port, [("traceparent", parent), *(("tracestate", s) for s in states)])[1]


# TraceContextTest: traceparent


def test_both_traceparent_and_tracestate_missing(service: int) -> None:
    context_of(service, [])


def test_traceparent_included_tracestate_missing(service: int) -> None:
    parent, _, _ = context_of(service, [("traceparent", f"00-{TRACE_ID}-1234567890123456-01")])
    assert parent.trace_id == TRACE_ID and parent.parent_id != "1234567890123456"


def test_traceparent_duplicated(service: int) -> None:
    parent, _, _ = context_of(
        service,
        [
            ("traceparent", "00-12345678901234567890123456789011-1234567890123456-01"),
            ("traceparent", f"00-{TRACE_ID}-1234567890123456-01"),
        ],
    )
    assert parent.trace_id not in ("12345678901234567890123456789011", TRACE_ID)


@pytest.mark.parametrize("name", ["trace-parent", "trace.parent"])
def test_traceparent_header_name(service: int, name: str) -> None:
    assert not inherited(service, [(name, f"00-{TRACE_ID}-1234567890123456-01")])


@pytest.mark.parametrize("name", ["TraceParent", "TrAcEpArEnT", "TRACEPARENT"])
def test_traceparent_header_name_valid_casing(service: int, name: str) -> None:
    assert inherited(service, [(name, f"00-{TRACE_ID}-1234567890123456-01")])


VALID = [
    # version 0xcc (future): parsed for its first four fields
    f"cc-{TRACE_ID}-1234567890123456-01",
    f"cc-{TRACE_ID}-1234567890123456-01-what-the-future-will-be-like",
    # optional whitespace
    f" 00-{TRACE_ID}-1234567890123456-01",
    f"\t00-{TRACE_ID}-1234567890123456-01",
    f"00-{TRACE_ID}-1234567890123456-01 ",
    f"00-{TRACE_ID}-1234567890123456-01\t",
    f"\t 00-{TRACE_ID}-1234567890123456-01 \t",
]

INVALID = [
    # version 0x00 with trailing characters
    f"00-{TRACE_ID}-1234567890123456-01.",
    f"00-{TRACE_ID}-1234567890123456-01-what-the-future-will-be-like",
    f"cc-{TRACE_ID}-1234567890123456-01.what-the-future-will-be-like",
    f"ff-{TRACE_ID}-1234567890123456-01",
    f".0-{TRACE_ID}-1234567890123456-01",
    f"0.-{TRACE_ID}-1234567890123456-01",
    f"000-{TRACE_ID}-1234567890123456-01",
    f"0000-{TRACE_ID}-1234567890123456-01",
    f"0-{TRACE_ID}-1234567890123456-01",
    "00-00000000000000000000000000000000-1234567890123456-01",
    "00-.2345678901234567890123456789012-1234567890123456-01",
    "00-1234567890123456789012345678901.-1234567890123456-01",
    "00-123456789012345678901234567890123-1234567890123456-01",
    "00-1234567890123456789012345678901-1234567890123456-01",
    f"00-{TRACE_ID}-0000000000000000-01",
    f"00-{TRACE_ID}-.234567890123456-01",
    f"00-{TRACE_ID}-123456789012345.-01",
    f"00-{TRACE_ID}-12345678901234567-01",
    f"00-{TRACE_ID}-123456789012345-01",
    f"00-{TRACE_ID}-1234567890123456-.0",
    f"00-{TRACE_ID}-1234567890123456-0.",
    f"00-{TRACE_ID}-1234567890123456-001",
    f"00-{TRACE_ID}-1234567890123456-1",
]


@pytest.mark.parametrize("header", VALID)
def test_valid_traceparent_is_continued(service: int, header: str) -> None:
    assert inherited(service, [("traceparent", header)])


@pytest.mark.parametrize("header", INVALID)
def test_invalid_traceparent_restarts_the_trace(service: int, header: str) -> None:
    parent, state, _ = context_of(service, [("traceparent", header)])
    # a new trace id, never one of the ids in the bad header
    assert parent.trace_id not in header and parent.trace_id not in (
        "12345678901234567890123456789012",
        "23456789012345678901234567890123",
    )
    assert state == {}


# TraceContextTest: tracestate


def test_tracestate_included_traceparent_missing(service: int) -> None:
    one = context_of(service, [("tracestate", "foo=1")])[1]
    two = context_of(service, [("tracestate", "foo=1,bar=2")])[1]
    assert len(one) == len(two) == 0


def test_tracestate_included_traceparent_included(service: int) -> None:
    assert inherited(service, [("traceparent", PARENT), ("tracestate", "foo=1,bar=2")])
    assert state_of(service, "foo=1,bar=2") == {"foo": "1", "bar": "2"}


@pytest.mark.parametrize("name", ["trace-state", "trace.state"])
def test_tracestate_header_name(service: int, name: str) -> None:
    assert "foo" not in context_of(service, [("traceparent", PARENT), (name, "foo=1")])[1]


@pytest.mark.parametrize("name", ["TraceState", "TrAcEsTaTe", "TRACESTATE"])
def test_tracestate_header_name_valid_casing(service: int, name: str) -> None:
    assert context_of(service, [("traceparent", PARENT), (name, "foo=1")])[1] == {"foo": "1"}


def test_tracestate_empty_header(service: int) -> None:
    parent, state, raw = context_of(service, [("traceparent", PARENT), ("tracestate", "")])
    assert parent.trace_id == TRACE_ID and raw == "" and state == {}
    assert state_of(service, "foo=1", "") == {"foo": "1"}
    assert state_of(service, "", "foo=1") == {"foo": "1"}


def test_tracestate_multiple_headers_different_keys(service: int) -> None:
    _, _, raw = context_of(
        service,
        [
            ("traceparent", PARENT),
            ("tracestate", "foo=1,bar=2"),
            ("tracestate", "rojo=1,congo=2"),
            ("tracestate", "baz=3"),
        ],
    )
    positions = [raw.index(m) for m in ("foo=1", "bar=2", "rojo=1", "congo=2", "baz=3")]
    assert positions == sorted(positions)


@pytest.mark.parametrize(
    ("states", "allowed"),
    [
        (["foo=1,foo=1"], ["1"]),
        (["foo=1,foo=2"], ["1", "2"]),
        (["foo=1", "foo=1"], ["1"]),
        (["foo=1", "foo=2"], ["1", "2"]),
    ],
)
def test_tracestate_duplicated_keys(service: int, states: List[str], allowed: List[str]) -> None:
    """Level 2: inherited, the repeated key kept once (either value)."""
    parent, state, _ = context_of(
        service, [("traceparent", PARENT), *(("tracestate", s) for s in states)]
    )
    assert parent.trace_id == TRACE_ID
    assert state["foo"] in allowed


def test_tracestate_all_allowed_characters(service: int) -> None:
    key = "".join(map(chr, range(0x61, 0x7B))) + "0123456789_-*/"
    key_with_vendor = key + "@a-z0-9_-*/"
    value = "".join(chr(c) for r in ((0x20, 0x2C), (0x2D, 0x3D), (0x3E, 0x7F)) for c in range(*r))
    assert state_of(service, f"{key}={value}") == {key: value}
    assert state_of(service, f"{key_with_vendor}={value}") == {key_with_vendor: value}


@pytest.mark.parametrize(
    "header",
    [
        "foo=1 \t , \t bar=2, \t baz=3",
        "foo=1\t \t,\t \tbar=2,\t \tbaz=3",
    ],
)
def test_tracestate_ows_handling_between_members(service: int, header: str) -> None:
    assert state_of(service, header) == {"foo": "1", "bar": "2", "baz": "3"}


@pytest.mark.parametrize("header", [" foo=1", "\tfoo=1", "foo=1 ", "foo=1\t", "\t foo=1 \t"])
def test_tracestate_ows_handling_around_the_value(service: int, header: str) -> None:
    assert state_of(service, header) == {"foo": "1"}


@pytest.mark.parametrize("header", ["foo =1", "FOO=1", "foo.bar=1"])
def test_tracestate_key_illegal_characters(service: int, header: str) -> None:
    assert state_of(service, header) == {}


@pytest.mark.parametrize(
    ("header", "kept"),
    [
        ("foo@=1,bar=2", True),  # Level 2: '@' is a key character after the first
        ("@foo=1,bar=2", False),  # a key starts with a letter or digit
        ("foo@@bar=1,bar=2", True),
        ("foo@bar@baz=1,bar=2", True),
    ],
)
def test_tracestate_key_vendor_format(service: int, header: str, kept: bool) -> None:
    assert ("bar" in state_of(service, header)) is kept


def test_tracestate_member_count_limit(service: int) -> None:
    rows = [
        ",".join(f"bar{i:02d}={i:02d}" for i in range(start, start + 10)) for start in (1, 11, 21)
    ]
    state = state_of(service, *rows, "bar31=31,bar32=32")
    assert state["bar01"] == "01" and len(state) == 32
    assert state_of(service, *rows, "bar31=31,bar32=32,bar33=33") == {}


@pytest.mark.parametrize(
    ("key", "kept"),
    [
        ("z" * 256, True),
        ("z" * 257, False),
        ("t" * 241 + "@" + "v" * 14, True),
        ("t" * 242 + "@v", True),  # Level 2: only the whole key's length counts
        ("t@" + "v" * 15, True),
    ],
)
def test_tracestate_key_length_limit(service: int, key: str, kept: bool) -> None:
    assert ("foo" in state_of(service, "foo=1", f"{key}=1")) is kept


@pytest.mark.parametrize("header", ["foo=bar=baz", "foo=,bar=3"])
def test_tracestate_value_illegal_characters(service: int, header: str) -> None:
    assert state_of(service, header) == {}


# AdvancedTest


def test_multiple_requests_with_valid_traceparent(service: int) -> None:
    sent = request(service, [("traceparent", f"00-{TRACE_ID}-1234567890123456-01")], 3)
    parents = [Traceparent(headers["traceparent"]) for headers in sent]
    assert {p.trace_id for p in parents} == {TRACE_ID}
    assert len({p.parent_id for p in parents}) == 3


def test_multiple_requests_without_traceparent(service: int) -> None:
    sent = request(service, [], 3)
    assert len({Traceparent(headers["traceparent"]).parent_id for headers in sent}) == 3


def test_multiple_requests_with_illegal_traceparent(service: int) -> None:
    sent = request(
        service, [("traceparent", "00-00000000000000000000000000000000-1234567890123456-01")], 3
    )
    parents = [Traceparent(headers["traceparent"]) for headers in sent]
    assert "0" * 32 not in {p.trace_id for p in parents}
    assert len({p.parent_id for p in parents}) == 3
