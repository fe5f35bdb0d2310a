"""Login throttling: django-axes, tolerant of logins that have no web request."""

from django.conf import settings

from axes.backends import AxesStandaloneBackend


class LoginThrottleBackend(AxesStandaloneBackend):
    """Axes' lockout check for every login that comes through a web request.

    Axes refuses ``authenticate()`` calls without a request (management
    commands, ``Client.login()`` in tests). Those are not an attack surface:
    there is no client to throttle, so they pass straight on to the
    ModelBackend. Every web login form (ours, the password-reset confirm and
    the Wagtail admin's) passes its request and is throttled.
    """

    def authenticate(self, request, username=None, password=None, **kwargs):
        if request is None:
            return None
        return super().authenticate(request, username=username, password=password, **kwargs)


def client_ip(request) -> str:
    """The visitor's address, for login lockout and rate limits.

    With ``TRUSTED_PROXY_COUNT = n`` the site sits behind n proxies that each
    append the address they saw to X-Forwarded-For, so the visitor is the n-th
    entry from the right; anything further left was written by the client and
    cannot be trusted. With no proxies, REMOTE_ADDR is the visitor.
    """
    hops = settings.TRUSTED_PROXY_COUNT
    if hops > 0:
        forwarded = [
            part.strip()
            for part in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")
            if part.strip()
        ]
        if len(forwarded) >= hops:
            return forwarded[-hops]
    return request.META.get("REMOTE_ADDR", "")
