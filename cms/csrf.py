"""Forms without a CSRF token, for pages the page cache keeps whole (``cms.page_cache``).

A cached page is the same HTML for every visitor, so it cannot carry a
per-visitor CSRF token. Such a form's route is marked with
:func:`checks_origin_not_token`, and ``cms.views.serve`` checks where the post
comes from instead of a token (every other post keeps Django's token check).
"""

from urllib.parse import urlsplit

from django.conf import settings


def checks_origin_not_token(view):
    """Mark a page's route as a form without a CSRF token, guarded by the origin instead.

    For a form on a page that the page cache keeps (``cms.page_cache``): a
    cached page cannot carry a per-visitor token. A browser says where a
    post comes from (``Sec-Fetch-Site``, else ``Origin``, else ``Referer``),
    and a post from another site is refused as Django's CSRF check refuses it.
    A request naming no origin at all is not from a browser page of another
    site (every current browser sends ``Origin`` on a cross-site post).
    """
    view.checks_origin_not_token = True
    return view


def same_origin(request) -> bool:
    fetch_site = request.META.get("HTTP_SEC_FETCH_SITE")
    if fetch_site:
        return fetch_site in ("same-origin", "none")
    ours = f"{request.scheme}://{request.get_host()}"
    trusted = {ours, *settings.CSRF_TRUSTED_ORIGINS}
    origin = request.META.get("HTTP_ORIGIN")
    if origin:
        return origin in trusted
    referer = request.META.get("HTTP_REFERER")
    if referer:
        parts = urlsplit(referer)
        return f"{parts.scheme}://{parts.netloc}" in trusted
    return True
