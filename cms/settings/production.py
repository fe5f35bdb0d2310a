"""Production: everything from the environment; refuses to start without a key."""

from django.core.exceptions import ImproperlyConfigured

from .base import *  # noqa: F403
from .base import REDIS_URL, SECRET_KEY, env_bool

if not SECRET_KEY:
    raise ImproperlyConfigured("SECRET_KEY must be set in the environment for production.")

DEBUG = False
# Wagtail's admin shows live previews of pages in a same-origin iframe, so
# base.py sets X_FRAME_OPTIONS = "SAMEORIGIN" (still refusing other sites).
# Django's deploy check would have DENY, which breaks those previews.
SILENCED_SYSTEM_CHECKS = ["security.W019"]
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", True)
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SESSION_COOKIE_SECURE = True
CSRF_COOKIE_SECURE = True
SECURE_HSTS_SECONDS = 60 * 60 * 24 * 365
SECURE_HSTS_INCLUDE_SUBDOMAINS = True
SECURE_HSTS_PRELOAD = True
if not REDIS_URL:
    # No Redis: a fallback that still works with several workers, and that the
    # deploy check (cms.checks, cms.W001) reports. The default cache is a
    # database table (`createcachetable`), shared, so the site frame and
    # rate-limit counters hold across workers, though its increments are not
    # atomic and every set is a write. Wagtail's renditions are not cached at
    # all rather than written to that table on every page view (get_rendition
    # sets its entry on each call): each image costs a read instead.
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.db.DatabaseCache",
            "LOCATION": "platform_cache",
        },
        "renditions": {"BACKEND": "django.core.cache.backends.dummy.DummyCache"},
    }
