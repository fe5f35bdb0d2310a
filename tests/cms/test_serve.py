"""`make serve`'s server, smoke-tested: gunicorn with production settings in its own process.

It serves the test database (the pages this test commits) with the settings,
config and static storage production uses, and a page and a hashed static
file are fetched from it over HTTP on 127.0.0.1.
"""

import http.client
import os
import re
import secrets
import socket
import subprocess
import sys
import time
from pathlib import Path

from django.db import connection

import pytest

from tests.cms import factories as f
from tests.cms.test_settings_deploy import run_manage
from tests.directory.factories import home_page
from tests.worker import committed

ROOT = Path(__file__).resolve().parents[2]


def database_url() -> str:
    db = connection.settings_dict
    if connection.vendor == "sqlite":
        return f"sqlite:///{db['NAME']}"
    return f"postgres://{db['USER']}:{db['PASSWORD']}@{db['HOST']}:{db['PORT']}/{db['NAME']}"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def fetch(port, path, **headers):
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=20)
    conn.request("GET", path, headers={"Host": "127.0.0.1", **headers})
    response = conn.getresponse()
    body = response.read()
    conn.close()
    return response, body


@pytest.fixture
def server(tmp_path):
    home_page()
    f.standard_page("About")
    port = free_port()
    env = {
        "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
        "HOME": str(tmp_path),
        "DJANGO_SETTINGS_MODULE": "cms.settings.production",  # what run_manage sets too
        "SECRET_KEY": secrets.token_urlsafe(50),
        "ALLOWED_HOSTS": "127.0.0.1",
        "DATABASE_URL": database_url(),
        "SECURE_SSL_REDIRECT": "false",
        "STATIC_ROOT": str(tmp_path / "static"),
        "GUNICORN_BIND": f"127.0.0.1:{port}",
    }
    for command in (["createcachetable"], ["collectstatic", "--no-input", "--verbosity", "0"]):
        done = run_manage(*command, env=env)
        assert done.returncode == 0, done.stderr
    process = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "-c", "cms/gunicorn.conf.py", "cms.wsgi:application"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                fetch(port, "/robots.txt")
                break
            except OSError:
                assert process.poll() is None, process.stdout.read()
                assert time.monotonic() < deadline, "gunicorn did not start within 60 s"
                time.sleep(0.2)
        yield port
    finally:
        process.terminate()
        process.wait(timeout=30)


@committed  # gunicorn's workers read what this test wrote
def test_gunicorn_serves_pages_and_hashed_static_files_as_in_production(server):
    response, body = fetch(server, "/about/")
    assert response.status == 200 and b"<h1" in body
    assert response.getheader("X-Page-Cache") == "miss"
    assert "public" in response.getheader("Cache-Control")
    # The second visitor gets it from the cache, whichever worker answers.
    again, again_body = fetch(server, "/about/")
    assert again.getheader("X-Page-Cache") == "hit" and again_body == body
    assert again.getheader("Content-Security-Policy")  # outer middleware still runs

    stylesheet = re.search(rb'href="(/static/css/site\.[0-9a-f]{12}\.css)"', body)
    assert stylesheet, "the page links the hashed stylesheet"
    css, css_body = fetch(server, stylesheet.group(1).decode(), **{"Accept-Encoding": "gzip"})
    assert css.status == 200
    control = css.getheader("Cache-Control")
    assert "immutable" in control and "max-age=315360000" in control
    assert css.getheader("Content-Encoding") == "gzip" and css_body[:2] == b"\x1f\x8b"
