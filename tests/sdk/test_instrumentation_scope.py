from __future__ import annotations

from otelbridge.sdk.util.instrumentation import InstrumentationScope


def test_scope_value_semantics() -> None:
    a = InstrumentationScope("lib", "1.0", "https://s", {"k": "v", "bad": None})
    assert (a.name, a.version, a.schema_url, dict(a.attributes)) == (
        "lib",
        "1.0",
        "https://s",
        {"k": "v"},
    )
    assert a == InstrumentationScope("lib", "1.0", "https://s", {"k": "v"})
    assert a != InstrumentationScope("lib", "1.0", "https://s")
    assert hash(a) == hash(InstrumentationScope("lib", "1.0", "https://s"))
    assert InstrumentationScope("a") < InstrumentationScope("b")
    assert InstrumentationScope("x").schema_url == ""
    assert '"name": "lib"' in a.to_json()
