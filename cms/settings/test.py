"""Tests: fast hashing, in-memory mail, plain static storage."""

import os

from .base import *  # noqa: F403

DEBUG = False
SECRET_KEY = "test-only-not-secret"
ALLOWED_HOSTS = ["*"]
# Mail Wagtail sends itself goes straight to locmem here; the outbox delivers
# through EMAIL_BACKEND too (tests/smtp.py points it at a real SMTP server).
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
OUTBOX_DELIVERY_BACKEND = ""
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
STORAGES["staticfiles"] = {  # noqa: F405
    "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"
}
MEDIA_ROOT = BASE_DIR / "test-output" / "media"  # noqa: F405
PRIVATE_MEDIA_ROOT = BASE_DIR / "test-output" / "private-media"  # noqa: F405
WAGTAILADMIN_BASE_URL = "http://testserver"

if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":  # noqa: F405
    # A file, not Django's default in-memory database: tests that run work in
    # several threads or processes at once (an import beside member saves)
    # need SQLite's real locking, which an in-memory shared cache replaces with
    # table locks that fail instead of waiting.
    (BASE_DIR / "test-output").mkdir(exist_ok=True)  # noqa: F405
    # One file per test run (by process id), so two runs in one checkout never
    # share, and recreate, each other's database; pytest-django deletes it after.
    DATABASES["default"]["TEST"] = {  # noqa: F405
        "NAME": str(BASE_DIR / "test-output" / f"test-{os.getpid()}.sqlite3")  # noqa: F405
    }

if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":  # noqa: F405
    # A test waiting on a lock another connection holds (a thread or process a
    # test left behind) fails with PostgreSQL's own message after two minutes
    # instead of waiting for ever; no test waits that long for a real reason.
    DATABASES["default"].setdefault("OPTIONS", {})["options"] = "-c lock_timeout=120000"  # noqa: F405

# Ordinary tests use the database backend; Elasticsearch tests build their own
# backend from ELASTICSEARCH_URL (exported by `make test`) with a unique prefix.
DIRECTORY_SEARCH_BACKEND = {"BACKEND": "directory.search.database.DatabaseBackend"}

# Every process its own cache, whatever REDIS_URL says: each test starts with
# an empty one (tests/conftest.py). Tests of the production cache put a real
# Redis in its place (the `redis_cache` fixture) under a prefix of their own.
CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

# Tests serve static files through Django's finders (no collectstatic), so
# WhiteNoise should look for files per request rather than warn at start-up
# that STATIC_ROOT does not exist.
WHITENOISE_AUTOREFRESH = True

# Unit tests run tasks inline; tests of retries and of the queue itself switch
# to the database backend and run the real worker (tests/worker.py).
TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}

# The page cache is tested on its own (tests/cms/test_page_cache.py): elsewhere
# tests change rows directly and read the page straight after.
PAGE_CACHE_ENABLED = False
