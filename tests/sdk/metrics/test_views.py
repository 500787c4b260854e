"""Views: selection, renaming, attribute filtering, aggregation overrides, cardinality."""

from __future__ import annotations

from otelbridge.sdk.metrics import Counter, Histogram, UpDownCounter
from otelbridge.sdk.metrics.export import ExponentialHistogram, Gauge, Sum
from otelbridge.sdk.metrics.view import (
    DropAggregation,
    ExplicitBucketHistogramAggregation,
    ExponentialBucketHistogramAggregation,
    LastValueAggregation,
    SumAggregation,
    View,
)


def test_wildcard_selection_and_aggregation_override(make_provider, collect) -> None:
    view = View(instrument_name="http.*", aggregation=SumAggregation())
    provider, reader = make_provider(views=[view])
    meter = provider.get_meter("m")
    meter.create_histogram("HTTP.duration").record(3)
    meter.create_histogram("db.duration").record(3)
    found = collect(reader)
    assert isinstance(found["HTTP.duration"].data, Sum)
    assert found["HTTP.duration"].data.data_points[0].value == 3
    # Instruments no view selects keep their default aggregation.
    assert found["db.duration"].data.data_points[0].count == 1


def test_rename_describe_and_filter_attributes(make_provider, collect) -> None:
    view = View(
        instrument_name="requests",
        name="requests.by_route",
        description="per route",
        attribute_keys={"route"},
    )
    provider, reader = make_provider(views=[view])
    counter = provider.get_meter("m").create_counter("requests")
    counter.add(1, {"route": "/a", "user": "1"})
    counter.add(1, {"route": "/a", "user": "2"})
    counter.add(1, {"user": "3"})
    metric = collect(reader)["requests.by_route"]
    assert metric.description == "per route"
    got = {tuple(p.attributes.items()): p.value for p in metric.data.data_points}
    assert got == {(("route", "/a"),): 2, (): 1}


def test_selection_by_type_unit_and_meter(make_provider, collect) -> None:
    views = [
        View(instrument_type=UpDownCounter, aggregation=DropAggregation()),
        View(instrument_unit="ms", meter_name="web", aggregation=LastValueAggregation()),
        View(instrument_type=Counter, meter_version="2", name="v2", instrument_name="c"),
    ]
    provider, reader = make_provider(views=views)
    web = provider.get_meter("web", "2")
    web.create_up_down_counter("dropped").add(1)
    web.create_histogram("latency", unit="ms").record(4)
    web.create_counter("c").add(1)
    provider.get_meter("db").create_histogram("latency2", unit="ms").record(4)
    found = collect(reader)
    assert "dropped" not in found
    assert isinstance(found["latency"].data, Gauge)
    assert "v2" in found and "c" not in found
    assert found["latency2"].data.data_points[0].count == 1


def test_two_views_make_two_streams(make_provider, collect) -> None:
    views = [
        View(instrument_name="h", name="h.sum", aggregation=SumAggregation()),
        View(
            instrument_name="h",
            name="h.coarse",
            aggregation=ExplicitBucketHistogramAggregation([10], record_min_max=False),
        ),
    ]
    provider, reader = make_provider(views=views)
    histogram = provider.get_meter("m").create_histogram("h")
    histogram.record(5)
    histogram.record(50)
    found = collect(reader)
    assert found["h.sum"].data.data_points[0].value == 55
    coarse = found["h.coarse"].data.data_points[0]
    assert coarse.bucket_counts == [1, 1]
    assert (coarse.min, coarse.max) == (float("inf"), -float("inf"))


def test_exponential_histogram_view(make_provider, collect) -> None:
    view = View(instrument_type=Histogram, aggregation=ExponentialBucketHistogramAggregation(20))
    provider, reader = make_provider(views=[view])
    histogram = provider.get_meter("m").create_histogram("h")
    for value in (0, 1, 2, 4, 1000, -3):
        histogram.record(value)
    metric = collect(reader)["h"]
    assert isinstance(metric.data, ExponentialHistogram)
    point = metric.data.data_points[0]
    assert (point.count, point.zero_count, point.sum, point.min, point.max) == (
        6,
        1,
        1004,
        -3,
        1000,
    )
    assert sum(point.positive.bucket_counts) == 4
    assert sum(point.negative.bucket_counts) == 1
    assert len(point.positive.bucket_counts) <= 20


def test_cardinality_limit_and_overflow_series(make_provider, collect) -> None:
    provider, reader = make_provider(cardinality_limits={Counter: 5})
    counter = provider.get_meter("m").create_counter("c")
    for i in range(10):
        counter.add(1, {"user": i})
    points = collect(reader)["c"].data.data_points
    assert len(points) == 5
    overflow = [p for p in points if p.attributes == {"otel.metric.overflow": True}]
    assert len(overflow) == 1 and overflow[0].value == 6
    assert sum(p.value for p in points) == 10


def test_default_cardinality_limit_is_2000(make_provider, collect) -> None:
    provider, reader = make_provider()
    counter = provider.get_meter("m").create_counter("c")
    for i in range(2100):
        counter.add(1, {"i": i})
    points = collect(reader)["c"].data.data_points
    assert len(points) == 2000
    assert sum(p.value for p in points) == 2100


def test_view_cardinality_limit_wins(make_provider, collect) -> None:
    view = View(instrument_name="c", aggregation_cardinality_limit=2)
    provider, reader = make_provider(views=[view])
    counter = provider.get_meter("m").create_counter("c")
    for i in range(3):
        counter.add(1, {"i": i})
    assert len(collect(reader)["c"].data.data_points) == 2


def test_views_renaming_two_instruments_to_one_name_warn(make_provider, caplog) -> None:
    views = [
        View(instrument_name="a", name="merged"),
        View(instrument_name="b", name="merged"),
    ]
    provider, _ = make_provider(views=views)
    meter = provider.get_meter("m")
    meter.create_counter("a")
    assert "two metric streams" not in caplog.text
    meter.create_counter("b")
    assert "two metric streams named 'merged'" in caplog.text
