"""The site's URLs plus one bare view: the reference every benchmark figure is read against."""

from django.http import HttpResponse
from django.urls import path

from cms.urls import urlpatterns as site_urlpatterns


def bare(request):
    """The cheapest thing Django can answer: what any request costs before search."""
    return HttpResponse("ok", content_type="text/plain")


# About the size of a page's HTML after compression: the reference of bench/pages.py.
TEN_KB = "<!DOCTYPE html><title>bare</title>" + "<p>Platform</p>" * 680


def bare_page(request):
    """A 10 KB HTML page with no template, query or cache: the server's ceiling."""
    return HttpResponse(TEN_KB, content_type="text/html; charset=utf-8")


urlpatterns = [path("bench/bare/", bare), path("bench/bare-page/", bare_page), *site_urlpatterns]
