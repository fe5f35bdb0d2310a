"""Settings shared by every environment, safe for production as they stand.

Everything that differs between machines is read once, typed, at the top of
this file from environment variables. Each has a safe local default; secrets
have none (``production.py`` refuses to start without them).
"""

import json
import os
from pathlib import Path

from django.core.exceptions import ImproperlyConfigured

import dj_database_url

BASE_DIR = Path(__file__).resolve().parent.parent.parent


def env_bool(name: str, default: bool = False) -> bool:
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name: str, default: str = "") -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


# --- environment, read once -------------------------------------------------
DEBUG = env_bool("DEBUG", False)
SECRET_KEY = os.environ.get("SECRET_KEY", "")
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "127.0.0.1,localhost")
DATABASE_URL = os.environ.get("DATABASE_URL", f"sqlite:///{BASE_DIR / 'db.sqlite3'}")
ELASTICSEARCH_URL = os.environ.get("ELASTICSEARCH_URL", "")
ELASTICSEARCH_INDEX_PREFIX = os.environ.get("ELASTICSEARCH_INDEX_PREFIX", "platform")
REDIS_URL = os.environ.get("REDIS_URL", "")
MEDIA_BUCKET = os.environ.get("AWS_STORAGE_BUCKET_NAME", "")
MEDIA_ENDPOINT_URL = os.environ.get("AWS_S3_ENDPOINT_URL", "")
EMAIL_URL_HOST = os.environ.get("EMAIL_HOST", "")
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "Platform <hello@platform.example>")
SITE_BASE_URL = os.environ.get("SITE_BASE_URL", "http://127.0.0.1:8000")
# Where collectstatic puts the hashed, compressed files WhiteNoise serves.
STATIC_ROOT_DIR = os.environ.get("STATIC_ROOT", "")
# Reverse proxies in front of the site that append to X-Forwarded-For (0: none,
# REMOTE_ADDR is the visitor). Login lockout and rate limits key on the address.
TRUSTED_PROXY_COUNT = int(os.environ.get("TRUSTED_PROXY_COUNT", "0"))
# Wagtail's front-end cache invalidation (a CDN or Varnish in front): a JSON
# object in WAGTAILFRONTENDCACHE's own shape, e.g.
# {"cdn": {"BACKEND": "wagtail.contrib.frontend_cache.backends.HTTPBackend",
#          "LOCATION": "http://127.0.0.1:6081"}}. Unset: off.
FRONTEND_CACHE_JSON = os.environ.get("WAGTAILFRONTENDCACHE", "")
# How long browsers (max-age) and shared caches such as a CDN (s-maxage) may
# keep an anonymous page, in seconds. The site's own page cache is emptied at
# once on every change; a CDN only when front-end invalidation is on.
PAGE_CACHE_MAX_AGE = int(os.environ.get("PAGE_CACHE_MAX_AGE", "60"))
PAGE_CACHE_SHARED_MAX_AGE = int(os.environ.get("PAGE_CACHE_SHARED_MAX_AGE", "300"))
# -----------------------------------------------------------------------------

INSTALLED_APPS = [
    "cms",
    "cms.outbox",  # every mail is stored, then sent by the worker
    "directory",
    "directory.search",
    "showcase",
    "members",
    "insight",  # what commissioners search for and see (docs/insight.md)
    "commissioners",  # commissioner accounts and shortlists (docs/commissioners.md)
    "wagtail.contrib.forms",
    "wagtail.contrib.redirects",
    "wagtail.contrib.settings",
    "wagtail.contrib.sitemaps",
    "wagtail.contrib.routable_page",
    "wagtail.embeds",
    "wagtail.sites",
    "wagtail.users",
    "wagtail.snippets",
    "wagtail.documents",
    "wagtail.images",
    "wagtail.search",
    "wagtail.admin",
    "wagtail",
    "modelcluster",
    "taggit",
    "ninja",  # serves the API docs' Swagger assets from our own static files
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.sitemaps",
    "axes",  # login throttling and lockout, for /members/ and the Wagtail admin
    "django_tasks",
    "django_tasks_db",  # the background queue: tasks stored in the database
    "csp",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    # Before anything reads the path or the query (redirect lookups included).
    "cms.middleware.CleanRequestMiddleware",
    "csp.middleware.CSPMiddleware",
    "cms.middleware.AdminContentSecurityPolicyMiddleware",
    "django_permissions_policy.PermissionsPolicyMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # Before the session and everything after it: a cached page needs none of them.
    "cms.page_cache.PageCacheMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "wagtail.contrib.redirects.middleware.RedirectMiddleware",
    # Last, as django-axes asks: turns a locked-out login into its lockout page.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "cms.urls"
WSGI_APPLICATION = "cms.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.debug",
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "wagtail.contrib.settings.context_processors.settings",
            ],
        },
    },
]

DATABASES = {"default": dj_database_url.parse(DATABASE_URL, conn_max_age=60)}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # SQLite has one writer at a time. A save that finds the database locked
    # waits up to `timeout` seconds (long imports commit in short batches, so
    # the wait is short) instead of failing. IMMEDIATE takes the write lock when
    # a transaction begins: a deferred transaction that read first and then
    # tries to write while another commits gets "database is locked" at once,
    # without waiting at all.
    DATABASES["default"]["OPTIONS"] = {"timeout": 20, "transaction_mode": "IMMEDIATE"}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LANGUAGE_CODE = "en-gb"
TIME_ZONE = "Europe/London"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = Path(STATIC_ROOT_DIR) if STATIC_ROOT_DIR else BASE_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]
MEDIA_URL = "/media/"
MEDIA_ROOT = BASE_DIR / "media"

# Uploaded media: Django's default storage is cms.media.MediaStorage, which
# keeps private files (a member's uploads until an editor approves them) in
# `private_media`, served only through a permission-checked view, and the rest
# in `public_media`, served at MEDIA_URL. Wagtail's renditions go through
# `renditions`, which keeps a private original's renditions private.
PRIVATE_MEDIA_ROOT = BASE_DIR / "private-media"
STORAGES = {
    "default": {"BACKEND": "cms.media.MediaStorage"},
    "renditions": {"BACKEND": "cms.media.RenditionStorage"},
    "public_media": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "private_media": {"BACKEND": "cms.media.PrivateFileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}
WAGTAILIMAGES_RENDITION_STORAGE = "renditions"
if MEDIA_BUCKET:
    # S3-compatible media (AWS, MinIO, Scaleway...) when a bucket is named; the
    # credentials are read by boto3 from its usual environment variables.
    # Private files live under private/ in the same bucket, stored with a
    # private ACL; the bucket policy must not make private/ public (see
    # docs/deploy.md). They are read through the site, never linked directly.
    S3_OPTIONS = {
        "bucket_name": MEDIA_BUCKET,
        "endpoint_url": MEDIA_ENDPOINT_URL or None,
        "file_overwrite": False,
    }
    STORAGES["public_media"] = {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {**S3_OPTIONS, "default_acl": None, "querystring_auth": False},
    }
    STORAGES["private_media"] = {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {
            **S3_OPTIONS,
            "location": "private",
            "default_acl": "private",
            "querystring_auth": True,
        },
    }


def redis_caches(url: str, key_prefix: str = "platform") -> dict:
    """The caches on a Redis server: one shared by every worker process.

    ``default`` holds the site frame (cms.frame), rate-limit counters and
    anything else short-lived; ``renditions`` is Wagtail's rendition cache
    (which image file answers which size), kept apart under its own prefix and
    for a week, since a rendition never changes once made and Wagtail purges
    the entries it replaces (``cms.cache.RenditionCache``, which does not write
    back what it has just read). Short socket timeouts, and a backend that answers
    as an empty cache while Redis is unreachable (``cms.cache``): an outage
    slows pages down (the database answers) instead of failing them.
    """
    backend = {
        "BACKEND": "cms.cache.ResilientRedisCache",
        "LOCATION": url,
        "OPTIONS": {"socket_connect_timeout": 2, "socket_timeout": 2},
    }
    return {
        "default": {**backend, "KEY_PREFIX": key_prefix},
        "renditions": {
            **backend,
            "BACKEND": "cms.cache.RenditionCache",
            "KEY_PREFIX": f"{key_prefix}-renditions",
            "TIMEOUT": 7 * 86400,
        },
    }


# Redis when REDIS_URL names one; otherwise each process keeps its own cache in
# memory, which is right for one process (`make run`). production.py has its
# own fallback for several workers.
CACHES = (
    redis_caches(REDIS_URL)
    if REDIS_URL
    else {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
)

# Whole anonymous pages in the default cache (cms/page_cache.py). Entries
# expire after PAGE_CACHE_TIMEOUT seconds at the latest; every change that
# can alter a page forgets them all at once before that.
PAGE_CACHE_ENABLED = True
PAGE_CACHE_TIMEOUT = 60 * 60
# Never looked up: not pages (cheaper than asking the cache each time).
PAGE_CACHE_SKIP_PREFIXES = (
    "/admin/",
    "/members/",
    "/commissioners/",
    "/shortlist/",
    "/api/",
    "/static/",
    "/media/",
    "/private-media/",
)

if FRONTEND_CACHE_JSON:
    try:
        WAGTAILFRONTENDCACHE = json.loads(FRONTEND_CACHE_JSON)
    except ValueError as error:
        raise ImproperlyConfigured(f"WAGTAILFRONTENDCACHE is not valid JSON: {error}") from None
    if not isinstance(WAGTAILFRONTENDCACHE, dict):
        raise ImproperlyConfigured("WAGTAILFRONTENDCACHE must be a JSON object of backends.")
    INSTALLED_APPS.append("wagtail.contrib.frontend_cache")

# Email: SMTP configured entirely from the environment (EMAIL_HOST, EMAIL_PORT,
# EMAIL_HOST_USER, EMAIL_HOST_PASSWORD, EMAIL_USE_TLS); dev/test override it.
# Every message, ours and Wagtail's or Django's, goes into the outbox
# (cms.outbox) and the worker sends it with OUTBOX_DELIVERY_BACKEND: no request
# ever waits on the mail server.
EMAIL_BACKEND = "cms.outbox.backend.OutboxEmailBackend"
OUTBOX_DELIVERY_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
EMAIL_HOST = EMAIL_URL_HOST or "localhost"
EMAIL_PORT = int(os.environ.get("EMAIL_PORT", "587"))
EMAIL_HOST_USER = os.environ.get("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = os.environ.get("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", True)
EMAIL_TIMEOUT = 10
SERVER_EMAIL = DEFAULT_FROM_EMAIL
# Every mail goes through the stored outbox (cms.outbox), sent by the worker.
# Twelve attempts with back-off doubling from 30 s (capped at 6 h) keep trying
# for about 14 hours, an overnight outage, before a message is marked failed.
# Sent messages are deleted after the retention period by `send_outbox`: their
# bodies hold password-reset and invitation links.
OUTBOX_MAX_ATTEMPTS = 12
OUTBOX_RETENTION_DAYS = 30

# Background work (mail, search index writes, clean-up): Django's task framework
# with tasks stored in the database and run by `python manage.py db_worker`
# (docs/deploy.md). Nothing slow or fallible runs in a visitor's or editor's
# request. dev.py (`make run`) and test.py run tasks inline instead.
TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}

# Wagtail
WAGTAIL_SITE_NAME = "Platform"
WAGTAILADMIN_BASE_URL = SITE_BASE_URL
WAGTAILSEARCH_BACKENDS = {"default": {"BACKEND": "wagtail.search.backends.database"}}
WAGTAILIMAGES_EXTENSIONS = ["avif", "gif", "jpg", "jpeg", "png", "webp"]
WAGTAILIMAGES_MAX_UPLOAD_SIZE = 10 * 1024 * 1024
WAGTAILIMAGES_MAX_IMAGE_PIXELS = 40_000_000
WAGTAILDOCS_EXTENSIONS = ["csv", "docx", "key", "odt", "pdf", "pptx", "rtf", "txt", "xlsx", "zip"]
WAGTAIL_ENABLE_UPDATE_CHECK = False
# No avatars from Gravatar: the admin would tell another site who our editors
# are on every page, and the Content-Security-Policy keeps other origins out.
WAGTAIL_GRAVATAR_PROVIDER_URL = None
# Concurrent editing (Wagtail's defaults, stated so nobody turns them off
# unknowingly): each admin edit form pings every 10 s and is told who saved a
# newer version meanwhile, including members through the member area; the
# save button then asks before overwriting, and autosave refuses to.
WAGTAIL_EDITING_SESSION_PING_INTERVAL = 10_000  # milliseconds
WAGTAIL_AUTOSAVE_INTERVAL = 500  # milliseconds
WAGTAILEMBEDS_RESPONSIVE_HTML = True
DATA_UPLOAD_MAX_NUMBER_FIELDS = 2000

# Directory search (directory/search): the backend is chosen here, like Django's
# cache framework. Elasticsearch when ELASTICSEARCH_URL is set, with the database
# backend answering whenever it cannot.
DIRECTORY_SEARCH_BACKEND = (
    {
        "BACKEND": "directory.search.elasticsearch.ElasticsearchBackend",
        "URL": ELASTICSEARCH_URL,
        "INDEX_PREFIX": ELASTICSEARCH_INDEX_PREFIX,
        "TIMEOUT": 2.0,
    }
    if ELASTICSEARCH_URL
    else {"BACKEND": "directory.search.database.DatabaseBackend"}
)
# Live index updates on publish/unpublish/delete; tests may switch them off.
DIRECTORY_SEARCH_LIVE_SYNC = True

# Security defaults that hold everywhere; production.py adds HTTPS-only ones.
SESSION_COOKIE_HTTPONLY = True
CSRF_COOKIE_HTTPONLY = False
X_FRAME_OPTIONS = "SAMEORIGIN"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "strict-origin-when-cross-origin"

# Content-Security-Policy (django-csp): the public site runs only our own
# scripts and styles, never inline ones, and frames only the two video players
# the facade opens on a click. JSON-LD blocks are data, not scripts, so they
# need no exception. The Wagtail admin (which still has inline scripts and
# styles) gets its own, looser policy from cms.middleware.
# The only other origins a page loads from, and only after a click on "play"
# (directory.video builds these privacy-friendly player URLs).
VIDEO_PLAYERS = ["https://www.youtube-nocookie.com", "https://player.vimeo.com"]
CONTENT_SECURITY_POLICY = {
    "EXCLUDE_URL_PREFIXES": ["/admin/"],
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        # blob: previews of a picture a member has chosen but not uploaded yet
        # (members.js); media from a bucket lives on another origin (HTTPS only).
        "img-src": ["'self'", "data:", "blob:", *(["https:"] if MEDIA_BUCKET else [])],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "frame-src": VIDEO_PLAYERS,
        "media-src": ["'self'"],
        "object-src": ["'none'"],
        "base-uri": ["'self'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'self'"],
    },
}
# Permissions-Policy: no page of ours needs a camera, a microphone, a location
# or payment; the video players (framed from their own origins) may go full
# screen and play media.
PERMISSIONS_POLICY = {
    "camera": [],
    "microphone": [],
    "geolocation": [],
    "payment": [],
    "usb": [],
    "browsing-topics": [],
    **{
        feature: ["self", *VIDEO_PLAYERS]
        for feature in ("autoplay", "fullscreen", "encrypted-media", "picture-in-picture")
    },
}

LOGIN_URL = "/members/login/"
LOGIN_REDIRECT_URL = "/members/"

# Login throttling (django-axes) for every login form, the Wagtail admin's too:
# five failures for one username from one address lock it out for 30 minutes.
AUTHENTICATION_BACKENDS = [
    "members.auth.LoginThrottleBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AXES_FAILURE_LIMIT = 5
AXES_COOLOFF_TIME = 0.5  # hours
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "members/locked_out.html"
# Without this, behind a proxy every visitor would share the proxy's address:
# one attacker could exhaust everyone's rate limit.
AXES_CLIENT_IP_CALLABLE = "members.auth.client_ip"
RATELIMIT_IP_META_KEY = "members.auth.client_ip"
# While the cache is unreachable the limits cannot count: let people through
# (their sign-ins still meet django-axes' lockout, kept in the database)
# rather than refuse every sign-in, enquiry and contact message.
RATELIMIT_FAIL_OPEN = True
PASSWORD_RESET_TIMEOUT = 60 * 60 * 24  # reset links expire after a day

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": "WARNING"},
    "loggers": {
        "directory": {"handlers": ["console"], "level": "INFO", "propagate": False},
    },
}
