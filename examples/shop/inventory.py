"""The inventory service: Flask instrumented with OpenCensus (middleware, spans and stats).

Stock lives in SQLite. Each lookup is counted and its stock level recorded into a distribution,
both tagged with the item.
"""

from __future__ import annotations

import sqlite3

from flask import Flask, jsonify
from opencensus.ext.flask.flask_middleware import FlaskMiddleware
from opencensus.stats import aggregation, measure, view
from opencensus.stats import stats as stats_module
from opencensus.tags import TagKey, TagMap, TagValue
from opencensus.trace import execution_context
from opencensus.trace.propagation.b3_format import B3FormatPropagator
from opencensus.trace.samplers import AlwaysOnSampler

ITEM = TagKey("item")
LOOKUPS = measure.MeasureInt("shop/stock_lookups", "stock lookups", "1")
LEVEL = measure.MeasureInt("shop/stock_level", "units in stock when looked up", "1")
LOOKUPS_VIEW = view.View(
    "shop/stock_lookups", "stock lookups", [ITEM], LOOKUPS, aggregation.CountAggregation()
)
LEVEL_VIEW = view.View(
    "shop/stock_level",
    "units in stock when looked up",
    [ITEM],
    LEVEL,
    aggregation.DistributionAggregation([1.0, 5.0, 10.0, 50.0]),
)
stats = stats_module.stats
stats.view_manager.register_view(LOOKUPS_VIEW)
stats.view_manager.register_view(LEVEL_VIEW)

STOCK = {"apple": 12, "plum": 7, "pear": 0}


def create_db(path: str) -> str:
    with sqlite3.connect(path) as db:
        db.execute("CREATE TABLE stock (item TEXT PRIMARY KEY, units INTEGER)")
        db.executemany("INSERT INTO stock VALUES (?, ?)", STOCK.items())
    return path


def create_app(db_path: str) -> Flask:
    app = Flask("inventory")
    FlaskMiddleware(app, sampler=AlwaysOnSampler(), propagator=B3FormatPropagator())

    @app.route("/stock/<item>")
    def stock(item: str):  # type: ignore[no-untyped-def]
        tracer = execution_context.get_opencensus_tracer()
        with tracer.span(name="SELECT stock") as span:
            span.add_attribute("db.system", "sqlite")
            with sqlite3.connect(db_path) as db:
                row = db.execute("SELECT units FROM stock WHERE item = ?", (item,)).fetchone()
        units = row[0] if row else 0
        measurements = stats.stats_recorder.new_measurement_map()
        measurements.measure_int_put(LOOKUPS, 1)
        measurements.measure_int_put(LEVEL, units)
        tags = TagMap()
        tags.insert(ITEM, TagValue(item))
        measurements.record(tags)
        return jsonify(item=item, units=units)

    return app
