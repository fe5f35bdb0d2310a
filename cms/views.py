"""Site-wide plain views: robots.txt (sitemap.xml is Wagtail's), and serving pages."""

from django.conf import settings
from django.http import HttpResponse
from django.urls import reverse
from django.utils.module_loading import import_string
from django.views.decorators.cache import cache_control
from django.views.decorators.csrf import csrf_exempt, csrf_protect
from django.views.decorators.http import require_GET

from wagtail.views import serve as wagtail_serve

from cms.csrf import same_origin
from cms.page_cache import mark_page
from cms.routing import route_for_request


@require_GET
@cache_control(max_age=86400, public=True)
def robots_txt(request):
    lines = [
        "User-agent: *",
        "Disallow: /admin/",
        "Disallow: /members/",
        "Disallow: /commissioners/",
        "Disallow: /shortlist/",
        "Allow: /",
        "",
        f"Sitemap: {request.build_absolute_uri(reverse('sitemap'))}",
        "",
    ]
    return HttpResponse("\n".join(lines), content_type="text/plain; charset=utf-8")


# --- Wagtail's pages, with the page cache and origin-checked forms ------------
SAFE_METHODS = ("GET", "HEAD", "OPTIONS", "TRACE")


@csrf_exempt  # checked below: by token, or by origin for routes marked so
def serve(request, path):
    """Wagtail's ``serve``, routed from the cache, marked for the page cache, posts checked."""
    # From the cache in one query (cms.routing); kept on the request, where
    # Wagtail's serve finds it.
    route = route_for_request(request, path)
    if route is not None:
        page, args, _ = route
        mark_page(request, page)
        if request.method not in SAFE_METHODS:
            view = args[0] if args else None
            if not getattr(view, "checks_origin_not_token", False):
                return csrf_protect(wagtail_serve)(request, path)
            if not same_origin(request):
                failure = import_string(settings.CSRF_FAILURE_VIEW)
                return failure(request, reason="The form was sent from another site.")
    return wagtail_serve(request, path)
