"""Request hygiene, in one place for every view: control characters never reach a view.

PostgreSQL refuses NUL in any string (``?tag=%00`` was a 500 there and a
quiet no-match on SQLite), and no other control character means anything in
a URL a person typed. So, before any view, redirect lookup or form sees them:

* a **path** containing one names nothing we could have published: 404;
* **query parameters** (names and values) have them replaced by spaces and
  are stripped, so ``?tag=%00`` is just an empty tag.

Tab, line feed and carriage return are included: they are not meaningful in
a query value either (a search box sends none). Form posts are left to the
forms, whose ``CharField`` refuses NUL with a message (Django's
``ProhibitNullCharactersValidator``).
"""

from __future__ import annotations

import re

from django.http import Http404, JsonResponse, QueryDict

CONTROL_CHARACTERS = re.compile(r"[\x00-\x1f\x7f]")
NO_SUCH_ADDRESS = "No page has control characters in its address."


def clean_text(value: str) -> str:
    """``value`` with control characters replaced by spaces, and stripped."""
    return CONTROL_CHARACTERS.sub(" ", value).strip()


class CleanRequestMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if CONTROL_CHARACTERS.search(request.path_info):
            if request.path_info.startswith("/api/"):  # the API answers in JSON, as documented
                return JsonResponse({"detail": NO_SUCH_ADDRESS, "param": None}, status=404)
            raise Http404(NO_SUCH_ADDRESS)
        if any(
            CONTROL_CHARACTERS.search(key) or CONTROL_CHARACTERS.search(value)
            for key, values in request.GET.lists()
            for value in values
        ):
            cleaned = QueryDict(mutable=True)
            for key, values in request.GET.lists():
                cleaned.setlist(clean_text(key), [clean_text(value) for value in values])
            cleaned._mutable = False
            request.GET = cleaned
        return self.get_response(request)


# The Wagtail admin still relies on inline scripts and styles, so it cannot
# have the public site's policy; it still gets one that refuses other sites'
# scripts, plugins, framing by others and form posts elsewhere.
ADMIN_POLICY = "; ".join(
    [
        "default-src 'self'",
        "script-src 'self' 'unsafe-inline'",
        "style-src 'self' 'unsafe-inline'",
        "img-src 'self' data: blob: https:",
        "frame-src 'self' https://www.youtube-nocookie.com https://player.vimeo.com",
        "object-src 'none'",
        "base-uri 'self'",
        "form-action 'self'",
        "frame-ancestors 'self'",
    ]
)


class AdminContentSecurityPolicyMiddleware:
    """The admin's own Content-Security-Policy (django-csp leaves /admin/ out)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if request.path_info.startswith("/admin/"):
            response.setdefault("Content-Security-Policy", ADMIN_POLICY)
        return response
