"""Self-test of the browser harness: if these fail, no journey result can be trusted."""

import json
import re

import pytest
from playwright.sync_api import Error as PlaywrightError

from tests.e2e.conftest import OUTPUT

pytestmark = pytest.mark.e2e


def test_admin_login_page_loads_and_is_screenshotted(page, live_url, screenshot):
    response = page.goto("/admin/login/")
    assert response is not None and response.status == 200
    assert page.url.startswith(live_url)
    assert page.get_by_label("Username").is_visible()

    path = screenshot(page, "harness-admin-login")
    assert path == OUTPUT / "screenshots" / "harness-admin-login.png"
    assert path.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


def test_axe_runs_and_writes_its_report(page, axe_check):
    page.goto("/admin/login/")
    results = axe_check(page, "harness-admin-login")

    assert results["testEngine"]["name"] == "axe-core"
    assert results["passes"], "axe reported no passing rules: it did not really run"
    saved = json.loads((OUTPUT / "axe" / "harness-admin-login.json").read_text())
    assert saved["url"] == page.url


def test_axe_fails_on_a_serious_violation(page, axe_check):
    page.set_content("<html lang='en'><body><main><img src='data:,'></main></body></html>")
    with pytest.raises(pytest.fail.Exception, match=r"\[critical\] image-alt"):
        axe_check(page, "harness-broken")


def test_requests_to_other_hosts_are_blocked(page, blocked_requests):
    # A top-level navigation: the site's own Content-Security-Policy would stop
    # a fetch from one of its pages before the network guard could see it.
    with pytest.raises(PlaywrightError):
        page.goto("https://example.org/tracker.js")
    assert blocked_requests == ["https://example.org/tracker.js"]


def test_a_content_security_policy_violation_fails_the_test(request, browser, live_url):
    from tests.e2e.conftest import _new_context, _open_page

    context = _new_context(browser, live_url, [])
    pages = _open_page(request, context)
    page = next(pages)
    page.goto("/admin/login/")
    page.evaluate("() => fetch('https://example.org/tracker.js').catch(() => null)")
    page.wait_for_timeout(200)  # let the violation event reach the console
    with pytest.raises(pytest.fail.Exception, match="Content-Security-Policy violation"):
        next(pages, None)


def test_phone_page_has_a_phone_viewport(phone_page):
    phone_page.goto("/admin/login/")
    assert phone_page.evaluate("() => window.innerWidth") == 390


def test_editor_can_sign_in_to_the_admin(editor_page):
    assert re.search(r"/admin/$", editor_page.url)
    assert editor_page.get_by_role("main").is_visible()
