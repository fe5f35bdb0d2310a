"""Login throttling: django-axes, tolerant of logins that have no web request."""

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
