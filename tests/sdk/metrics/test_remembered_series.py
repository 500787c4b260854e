"""A stream remembers the last series it looked up: repeats, changes and drains must still land
every measurement in the series its attributes name."""

from __future__ import annotations

from otelbridge.sdk.metrics import Counter
from otelbridge.sdk.metrics.export import AggregationTemporality
from otelbridge.sdk.metrics.view import View


def _sums(metric) -> dict:
    return {
        tuple(
            sorted((k, tuple(v) if isinstance(v, list) else v) for k, v in p.attributes.items())
        ): (p.value)
        for p in metric.data.data_points
    }


def test_a_dict_changed_between_adds_moves_to_its_new_series(make_provider, collect) -> None:
    provider, reader = make_provider()
    counter = provider.get_meter("m").create_counter("c")
    attributes = {"k": "a"}
    counter.add(1, attributes)
    attributes["k"] = "b"
    counter.add(2, attributes)
    attributes["extra"] = 1
    counter.add(4, attributes)
    counter.add(8)
    counter.add(16, {})
    assert _sums(collect(reader)["c"]) == {
        (("k", "a"),): 1,
        (("k", "b"),): 2,
        (("extra", 1), ("k", "b")): 4,
        (): 24,
    }


def test_a_list_value_changed_in_place_moves_to_its_new_series(make_provider, collect) -> None:
    provider, reader = make_provider()
    counter = provider.get_meter("m").create_counter("c")
    attributes = {"k": [1]}
    counter.add(1, attributes)
    attributes["k"].append(2)
    counter.add(2, attributes)
    # Two series (the first one's exported attributes share the caller's list, as on main).
    points = collect(reader)["c"].data.data_points
    assert sorted(point.value for point in points) == [1, 2]


def test_a_delta_collection_forgets_the_remembered_series(make_provider, collect) -> None:
    provider, reader = make_provider(preferred_temporality={Counter: AggregationTemporality.DELTA})
    counter = provider.get_meter("m").create_counter("c")
    counter.add(1, {"k": "v"})
    assert _sums(collect(reader)["c"]) == {(("k", "v"),): 1}
    counter.add(2, {"k": "v"})
    assert _sums(collect(reader)["c"]) == {(("k", "v"),): 2}


def test_sets_a_view_reduces_alike_share_one_series(make_provider, collect) -> None:
    provider, reader = make_provider(views=[View(instrument_name="c", attribute_keys={"k"})])
    counter = provider.get_meter("m").create_counter("c")
    counter.add(1, {"k": "v", "dropped": 1})
    counter.add(2, {"k": "v", "dropped": 2})
    counter.add(4, {"k": "v"})
    counter.add(8, {"k": "w", "dropped": [1]})
    assert _sums(collect(reader)["c"]) == {(("k", "v"),): 7, (("k", "w"),): 8}
