"""Wagtail's page test helpers (``WagtailPageTestCase``), signed in the way this site signs in."""

from unittest import mock

from wagtail.test.utils import WagtailPageTestCase


class PageTestCase(WagtailPageTestCase):
    def setUp(self):
        super().setUp()
        # Wagtail's helpers sign in with AUTHENTICATION_BACKENDS[0]; ours is axes'
        # throttle, which checks logins but loads no users, so sign in with the next one.
        patcher = mock.patch(
            "wagtail.test.utils.page_tests.AUTH_BACKEND",
            "django.contrib.auth.backends.ModelBackend",
        )
        patcher.start()
        self.addCleanup(patcher.stop)
