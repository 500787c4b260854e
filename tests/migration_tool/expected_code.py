"""Code the codemod writes in more than one test's expected output, spelled once."""

#: The request hook written beside ``FlaskInstrumentor`` for Flask-OpenTracing (at top level;
#: indent it where the instrumentor call is nested).
FLASK_OPENTRACING_HOOK = """\
def flask_opentracing_span(span: trace.Span, environ: object) -> None:
    # Flask-OpenTracing's span name and tags, which dashboards and alerts select
    # on (FlaskInstrumentor sets http.method and http.status_code itself)
    if request.endpoint:  # the view's name (None: no route matched)
        span.update_name(request.endpoint)
    span.set_attributes(
        {"component": "Flask", "http.url": request.base_url, "span.kind": "server"}
    )
"""
