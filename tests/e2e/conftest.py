"""Browser harness for the journeys in tests/e2e.

Every test here drives Debian's Chromium (``/usr/bin/chromium``, headless)
through Playwright's sync API against pytest-django's ``live_server``:

- ``page`` / ``phone_page``: a fresh browser context per test (desktop
  1280x800, phone 390x844) whose relative URLs resolve against the live server.
  Every request to another host is aborted, so a page that tries to fetch
  something from elsewhere cannot, and the attempt is listed in
  ``blocked_requests``. An uncaught JavaScript error, a console error or a
  Content-Security-Policy violation fails the test (mark a test
  ``allow_js_errors`` to opt out). The site's real policy is on: axe-core is
  served from the site's own origin so that it may run.
- ``axe_check(page, name)``: runs axe-core on the page, writes the full report
  to ``test-output/axe/<name>.json`` and fails on serious or critical
  violations, naming each rule and the elements it found.
- ``screenshot(page, name)``: a full-page PNG under ``test-output/screenshots``.
- ``editor`` / ``editor_page``: a superuser for the Wagtail admin, and a page
  already signed in as that user.

Tests in this folder are marked ``e2e`` automatically and use the transactional
database (the live server runs in another thread, so data must be committed).
"""

from __future__ import annotations

import json
import os
import re
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urljoin, urlsplit

import pytest
from playwright.sync_api import Browser, BrowserContext, Page, Playwright, sync_playwright

ROOT = Path(__file__).resolve().parents[2]
OUTPUT = ROOT / "test-output"
AXE_JS = ROOT / "node_modules" / "axe-core" / "axe.min.js"
AXE_URL_PATH = "/__tests__/axe.min.js"  # answered by the browser context, never the site
CSP_VIOLATION_REPORTER = """
document.addEventListener("securitypolicyviolation", (event) => {
    console.error(`Content-Security-Policy violation: ${event.violatedDirective} `
        + `blocked ${event.blockedURI || "inline code"} in ${event.sourceFile || event.documentURI}`
        + `:${event.lineNumber}`);
});
"""
CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
DESKTOP = {"width": 1280, "height": 800}
PHONE = {"width": 390, "height": 844}
# Impacts that fail a test; "moderate" and "minor" are kept in the JSON report.
AXE_FAILING_IMPACTS = ("serious", "critical")

EDITOR_USERNAME = "editor"
EDITOR_PASSWORD = "Platform-e2e-Editor-7f3K!q"  # a strong password, for tests only


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line(
        "markers", "allow_js_errors: do not fail the test on uncaught page JavaScript errors"
    )


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    here = Path(__file__).parent
    for item in items:
        if here in Path(item.path).parents:
            item.add_marker(pytest.mark.e2e)


def _safe_name(name: str) -> str:
    """A file name from a test-given label: letters, digits, dot, dash, underscore."""
    cleaned = re.sub(r"[^A-Za-z0-9._-]+", "-", name).strip("-.")
    if not cleaned:
        raise ValueError(f"unusable artefact name: {name!r}")
    return cleaned


# --- database -----------------------------------------------------------------


@pytest.fixture(scope="session")
def _migrated_snapshot(django_db_setup, django_db_blocker) -> dict[str, str]:
    """What the migrations left in each test database, serialized by pytest-django."""
    from django.db import connections

    with django_db_blocker.unblock():
        return {
            alias: connections[alias]._test_serialized_contents
            for alias in connections
            if hasattr(connections[alias], "_test_serialized_contents")
        }


@pytest.fixture(autouse=True)
def _migrated_data(django_db_serialized_rollback, _migrated_snapshot, transactional_db) -> None:
    """Give every browser test the rows the migrations create.

    The live server needs committed data, so these tests use the transactional
    database, which is emptied after each test; that would also remove what the
    data migrations made (Wagtail's root page, locale and root collection, the
    directory's gazetteer and skills). A serialized rollback restores them.
    Once Playwright runs, Django may hand this thread a fresh connection object
    that lacks the snapshot, so pytest-django skips the restore: do it here.
    """
    from django.db import connections

    for alias, contents in _migrated_snapshot.items():
        connection = connections[alias]
        if not hasattr(connection, "_test_serialized_contents"):
            connection._test_serialized_contents = contents
            connection.creation.deserialize_db_from_string(contents)


# --- browser ------------------------------------------------------------------


@pytest.fixture(scope="session")
def _playwright() -> Iterator[Playwright]:
    if not Path(CHROMIUM).exists():
        # A skip on a developer's machine; tests/conftest.py fails it under CI=true.
        pytest.skip(f"Chromium not found at {CHROMIUM}: install Debian's 'chromium' package")
    # Playwright's sync API keeps an asyncio loop in this thread; Django would
    # otherwise refuse ORM calls from it (SynchronousOnlyOperation). Tests in
    # this folder run last (see tests/conftest.py), so it stays set until the end.
    previous = os.environ.get("DJANGO_ALLOW_ASYNC_UNSAFE")
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    with sync_playwright() as playwright:
        yield playwright
    if previous is None:
        os.environ.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
    else:
        os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = previous


@pytest.fixture(scope="session")
def browser(_playwright: Playwright) -> Iterator[Browser]:
    browser = _playwright.chromium.launch(
        executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS
    )
    yield browser
    browser.close()


@pytest.fixture
def live_url(live_server) -> str:
    """Base URL of the live server, without a trailing slash."""
    return live_server.url.rstrip("/")


@pytest.fixture
def blocked_requests() -> list[str]:
    """URLs the browser tried to fetch from other hosts during this test."""
    return []


def _is_local(url: str, live_netloc: str) -> bool:
    parts = urlsplit(url)
    if parts.scheme in ("data", "blob", "about"):
        return True
    return parts.scheme in ("http", "https", "ws") and parts.netloc == live_netloc


def _new_context(browser: Browser, live_url: str, blocked: list[str], **options) -> BrowserContext:
    context = browser.new_context(base_url=live_url, locale="en-GB", **options)
    context.set_default_timeout(15_000)
    live_netloc = urlsplit(live_url).netloc

    def guard(route, request) -> None:
        if _is_local(request.url, live_netloc):
            route.continue_()
        else:
            blocked.append(request.url)
            route.abort("blockedbyclient")

    context.route("**/*", guard)
    # Report every Content-Security-Policy violation to the test as a console
    # error (init scripts run outside the page's policy).
    context.add_init_script(CSP_VIOLATION_REPORTER)
    return context


def _console_error(page: Page, message) -> str | None:
    """A console error worth failing for, or None.

    A page we deliberately open that answers 404 or 410 logs "Failed to load
    resource" for itself: that is the test's point, not a fault of the page.
    """
    if message.type != "error":
        return None
    text = message.text
    if text.startswith("Failed to load resource") and message.location.get("url") == page.url:
        return None
    return f"console error: {text} ({message.location.get('url', '')})"


def _watch(context: BrowserContext) -> list[str]:
    """Collect JavaScript errors, console errors and policy violations of every page in it."""
    errors: list[str] = []

    def attach(page: Page) -> None:
        page.on("pageerror", lambda error: errors.append(str(error)))
        page.on("console", lambda message: errors.append(_console_error(page, message)))

    context.on("page", attach)
    return errors


def _fail_on(request: pytest.FixtureRequest, errors: list[str]) -> None:
    errors = [error for error in errors if error]
    if errors and not request.node.get_closest_marker("allow_js_errors"):
        pytest.fail(
            "JavaScript errors, console errors or Content-Security-Policy violations on the "
            "page:\n" + "\n".join(f"- {e}" for e in errors)
        )


def _open_page(request: pytest.FixtureRequest, context: BrowserContext) -> Iterator[Page]:
    errors = _watch(context)
    page = context.new_page()
    yield page
    context.close()
    _fail_on(request, errors)


@pytest.fixture
def new_context(
    request: pytest.FixtureRequest, browser: Browser, live_url: str, blocked_requests: list[str]
):
    """``new_context(**options)``: another browser (a second person) held to the same rules.

    Its pages have the same network guard and policy-violation reporting as
    ``page``; any error on any of them fails the test at the end.
    """
    opened: list[tuple[BrowserContext, list[str]]] = []

    def make(**options) -> BrowserContext:
        context = _new_context(browser, live_url, blocked_requests, **options)
        opened.append((context, _watch(context)))
        return context

    yield make
    for context, _errors in opened:
        context.close()
    _fail_on(request, [error for _context, errors in opened for error in errors])


@pytest.fixture
def page(
    request: pytest.FixtureRequest, browser: Browser, live_url: str, blocked_requests: list[str]
) -> Iterator[Page]:
    """A desktop-sized page (1280x800) in a fresh context; relative URLs hit the live server."""
    context = _new_context(browser, live_url, blocked_requests, viewport=DESKTOP)
    yield from _open_page(request, context)


@pytest.fixture
def phone_page(
    request: pytest.FixtureRequest, browser: Browser, live_url: str, blocked_requests: list[str]
) -> Iterator[Page]:
    """A phone-sized page (390x844, touch) in a fresh context."""
    context = _new_context(
        browser,
        live_url,
        blocked_requests,
        viewport=PHONE,
        device_scale_factor=2,
        is_mobile=True,
        has_touch=True,
    )
    yield from _open_page(request, context)


# --- artefacts: screenshots and accessibility ----------------------------------


@pytest.fixture
def screenshot():
    """``screenshot(page, name)`` saves a full-page PNG and returns its path."""

    def take(page: Page, name: str) -> Path:
        path = OUTPUT / "screenshots" / f"{_safe_name(name)}.png"
        path.parent.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(path), full_page=True)
        return path

    return take


def _describe_violation(violation: dict) -> str:
    lines = [
        f"[{violation['impact']}] {violation['id']}: {violation['help']} ({violation['helpUrl']})"
    ]
    for node in violation["nodes"]:
        target = " ".join(str(t) for t in node.get("target", []))
        summary = (node.get("failureSummary") or "").replace("\n", " ")
        lines.append(f"    at {target}: {summary}")
    return "\n".join(lines)


@pytest.fixture
def axe_check():
    """``axe_check(page, name)`` runs axe-core and fails on serious/critical violations.

    Returns axe's full result (a dict) so a test can assert more. ``disable``
    takes rule ids to skip; use it only with a comment saying why.
    """
    if not AXE_JS.exists():
        pytest.fail(f"{AXE_JS.relative_to(ROOT)} is missing: run `make install` (npm ci)")

    def check(page: Page, name: str, *, disable: tuple[str, ...] = ()) -> dict:
        if not page.evaluate("() => typeof window.axe !== 'undefined'"):
            if page.url.startswith("http"):
                # Served from the site's own origin (answered here, never by the
                # site), so the strict Content-Security-Policy lets it run.
                page.route(
                    f"**{AXE_URL_PATH}",
                    lambda route: route.fulfill(path=str(AXE_JS), content_type="text/javascript"),
                )
                page.add_script_tag(url=urljoin(page.url, AXE_URL_PATH))
            else:  # set_content: no site, no policy
                page.add_script_tag(path=str(AXE_JS))
        options = {"rules": {rule: {"enabled": False} for rule in disable}}
        results = page.evaluate("options => window.axe.run(document, options)", options)
        path = OUTPUT / "axe" / f"{_safe_name(name)}.json"
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(json.dumps(results, indent=2))
        failing = [v for v in results["violations"] if v.get("impact") in AXE_FAILING_IMPACTS]
        if failing:
            details = "\n".join(_describe_violation(v) for v in failing)
            pytest.fail(
                f"axe found {len(failing)} serious/critical violation(s) on {name} "
                f"({page.url}); full report: {path.relative_to(ROOT)}\n{details}"
            )
        return results

    return check


# --- people -----------------------------------------------------------------


@pytest.fixture
def editor(transactional_db, django_user_model):
    """A superuser who can sign in to the Wagtail admin; ``editor.raw_password`` holds
    the password."""
    user = django_user_model.objects.create_superuser(
        username=EDITOR_USERNAME,
        email="editor@platform.example",
        password=EDITOR_PASSWORD,
        first_name="Eddie",
        last_name="Editor",
    )
    user.raw_password = EDITOR_PASSWORD
    return user


def sign_in(page: Page, username: str, password: str, next_url: str = "/admin/") -> None:
    """Sign in through Wagtail's admin login form, as a person would."""
    page.goto(f"/admin/login/?next={next_url}")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name=re.compile("sign in", re.IGNORECASE)).click()
    page.wait_for_url(re.compile(r"/admin/(?!login)"))


@pytest.fixture
def editor_page(page: Page, editor) -> Page:
    """``page`` already signed in to the Wagtail admin as ``editor``."""
    sign_in(page, editor.username, editor.raw_password)
    return page
