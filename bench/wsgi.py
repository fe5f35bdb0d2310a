"""The site under gunicorn with one extra, bare view (bench/urls.py): the reference.

``bench/pages.py`` serves this with ``make serve``'s settings and gunicorn
config, so the site's pages and the bare view run through the same server,
middleware and settings in the same run.
"""

import os

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "cms.settings.production")

from django.conf import settings  # noqa: E402
from django.core.wsgi import get_wsgi_application  # noqa: E402

settings.ROOT_URLCONF = "bench.urls"
application = get_wsgi_application()
