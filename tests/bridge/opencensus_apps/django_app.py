"""opencensus-ext-django's middleware under the bridge, served on loopback by wsgiref."""

import threading
from wsgiref.simple_server import WSGIRequestHandler, make_server

import django
import harness
import requests
from django.conf import settings

settings.configure(
    DEBUG=False,
    ALLOWED_HOSTS=["127.0.0.1"],
    ROOT_URLCONF=__name__,
    MIDDLEWARE=["opencensus.ext.django.middleware.OpencensusMiddleware"],
    OPENCENSUS={"TRACE": {"SAMPLER": "opencensus.trace.samplers.AlwaysOnSampler()"}},
    SECRET_KEY="test",
)
django.setup()

from django.core.wsgi import get_wsgi_application  # noqa: E402
from django.http import HttpResponse  # noqa: E402
from django.urls import path  # noqa: E402


def greet(request):
    return HttpResponse("hi")


urlpatterns = [path("greet", greet)]


class Quiet(WSGIRequestHandler):
    def log_message(self, *args):
        pass


server = make_server("127.0.0.1", 0, get_wsgi_application(), handler_class=Quiet)
threading.Thread(target=server.serve_forever, daemon=True).start()
parent = "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01"
requests.get(f"http://127.0.0.1:{server.server_port}/greet", headers={"traceparent": parent})
server.shutdown()
harness.report()
