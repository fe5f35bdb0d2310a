"""The site's URLs plus one bare view: the reference every benchmark figure is read against."""

from django.http import HttpResponse
from django.urls import path

from cms.urls import urlpatterns as site_urlpatterns


def bare(request):
    """The cheapest thing Django can answer: what any request costs before search."""
    return HttpResponse("ok", content_type="text/plain")


urlpatterns = [path("bench/bare/", bare), *site_urlpatterns]
