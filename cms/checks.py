"""System checks of the deployment (``manage.py check --deploy``)."""

from django.conf import settings
from django.core import checks

REDIS_BACKEND = "cms.cache.ResilientRedisCache"


@checks.register(checks.Tags.caches, deploy=True)
def check_shared_cache(app_configs, **kwargs):
    """Production wants Redis; without it the fallback works, but slower.

    The fallback (``cms.settings.production`` with ``REDIS_URL`` unset) keeps
    the cache in a database table: shared by the workers, but every cache set
    is a database write, rate-limit increments are not atomic, and Wagtail's
    renditions are looked up in the database for every image shown.
    """
    backend = settings.CACHES.get("default", {}).get("BACKEND", "")
    if backend == REDIS_BACKEND:
        return []
    return [
        checks.Warning(
            f"The default cache is {backend.rsplit('.', 1)[-1]}, not Redis.",
            hint=(
                "Set REDIS_URL (redis://host:6379/0): without it the cache is a "
                "database table and image renditions are not cached; see docs/deploy.md."
            ),
            id="cms.W001",
        )
    ]
