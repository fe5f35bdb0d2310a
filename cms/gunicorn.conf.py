"""gunicorn's settings for Platform (``gunicorn -c cms/gunicorn.conf.py cms.wsgi``).

``make serve`` runs the site with it on 127.0.0.1:8001, as in production; a
real deployment sets ``GUNICORN_BIND`` (and ``WEB_CONCURRENCY``) behind its
proxy (docs/deploy.md). Sync workers: every view is short (slow work runs on
the background worker), so one request per process at a time is the simplest
model that keeps a stuck request from holding others.
"""

import os

bind = os.environ.get("GUNICORN_BIND", "127.0.0.1:8001")
workers = int(os.environ.get("WEB_CONCURRENCY", "2"))
worker_class = "sync"
timeout = int(os.environ.get("GUNICORN_TIMEOUT", "30"))
graceful_timeout = 10
# Keep-alive for the proxy (or a benchmark client) in front; idle ones close soon.
keepalive = 5
# Start the app once, before forking: workers share its memory and the
# first request of each does not pay for Django's start-up.
preload_app = True
# Access log off by default (the proxy keeps one); GUNICORN_ACCESS_LOG=- prints it.
accesslog = os.environ.get("GUNICORN_ACCESS_LOG") or None
errorlog = "-"
loglevel = os.environ.get("GUNICORN_LOG_LEVEL", "info")
# Only the proxy on this machine may say the request came over HTTPS.
forwarded_allow_ips = os.environ.get("FORWARDED_ALLOW_IPS", "127.0.0.1")
