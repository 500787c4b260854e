"""opencensus-ext-flask's FlaskMiddleware under the bridge, served on loopback."""

import threading

import flask
import harness
import requests
from opencensus.ext.flask.flask_middleware import FlaskMiddleware
from opencensus.trace.samplers import AlwaysOnSampler
from werkzeug.serving import make_server

app = flask.Flask(__name__)
FlaskMiddleware(app, sampler=AlwaysOnSampler())


@app.route("/users/<name>")
def user(name: str) -> str:
    return name


@app.route("/fail")
def fail() -> str:
    raise RuntimeError("broken view")


server = make_server("127.0.0.1", 0, app)
threading.Thread(target=server.serve_forever, daemon=True).start()
base = f"http://127.0.0.1:{server.server_port}"
parent = "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01"
requests.get(base + "/users/ann", headers={"traceparent": parent}, timeout=5)
requests.get(base + "/fail", timeout=5)
server.shutdown()
harness.report()
