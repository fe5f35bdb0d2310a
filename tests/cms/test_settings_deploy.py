"""Production settings, checked the way a deployment runs them: in a fresh process
with nothing in its environment but what README tells an operator to set."""

import os
import secrets
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


def run_manage(*args: str, env: dict[str, str]) -> subprocess.CompletedProcess:
    clean_env = {
        "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
        "HOME": env.get("HOME", "/nonexistent"),
        "DJANGO_SETTINGS_MODULE": "cms.settings.production",
        **env,
    }
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=clean_env,
        capture_output=True,
        text=True,
        timeout=120,
    )


@pytest.fixture
def production_env(tmp_path, redis_url) -> dict[str, str]:
    """The variables README lists as required, with throwaway values."""
    return {
        "SECRET_KEY": secrets.token_urlsafe(50),
        "ALLOWED_HOSTS": "platform.example,www.platform.example",
        "DATABASE_URL": f"sqlite:///{tmp_path / 'deploy.sqlite3'}",
        "REDIS_URL": redis_url,
        "SITE_BASE_URL": "https://platform.example",
        "HOME": str(tmp_path),
    }


# A cache round trip under the production settings: which backends answer,
# and that a value set is read back (through the server, for Redis).
CACHE_ROUND_TRIP = """
import uuid
from django.core.cache import caches
key = f"deploy-check-{uuid.uuid4().hex}"
for alias in ("default", "renditions"):
    cache = caches[alias]
    cache.set(key, "kept", 30)
    print(alias, type(cache).__name__, cache.get(key))
    cache.delete(key)
"""


def test_check_deploy_reports_nothing(production_env):
    result = run_manage("check", "--deploy", "--fail-level", "WARNING", env=production_env)

    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues (1 silenced)" in result.stdout
    assert "WARNINGS" not in result.stdout + result.stderr


def test_check_deploy_can_fail(production_env):
    # The check above is only worth something if it does object to a bad setting.
    production_env["SECRET_KEY"] = "short"
    result = run_manage("check", "--deploy", "--fail-level", "WARNING", env=production_env)

    assert result.returncode != 0
    assert "security.W009" in result.stderr


def test_production_refuses_to_start_without_a_secret_key(production_env):
    del production_env["SECRET_KEY"]
    result = run_manage("check", env=production_env)

    assert result.returncode != 0
    assert "SECRET_KEY must be set in the environment for production" in result.stderr


def test_debug_from_the_environment_is_ignored_in_production(production_env):
    production_env["DEBUG"] = "true"
    result = run_manage(
        "shell",
        "--no-imports",
        "-c",
        "from django.conf import settings; print(settings.DEBUG)",
        env=production_env,
    )

    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "False"


def test_production_caches_in_redis_when_redis_url_is_set(production_env):
    result = run_manage("shell", "--no-imports", "-c", CACHE_ROUND_TRIP, env=production_env)

    assert result.returncode == 0, result.stderr
    assert result.stdout.split("\n")[:2] == [
        "default ResilientRedisCache kept",
        "renditions RenditionCache kept",
    ]


def test_without_redis_production_falls_back_to_a_shared_table_and_says_so(production_env):
    del production_env["REDIS_URL"]
    check = run_manage("check", "--deploy", "--fail-level", "WARNING", env=production_env)
    # The fallback works once its table exists, and caches no renditions
    # (rather than write them to that table on every page view).
    assert run_manage("createcachetable", env=production_env).returncode == 0
    result = run_manage("shell", "--no-imports", "-c", CACHE_ROUND_TRIP, env=production_env)

    assert check.returncode != 0
    assert "cms.W001" in check.stderr and "REDIS_URL" in check.stderr
    assert result.returncode == 0, result.stderr
    assert result.stdout.split("\n")[:2] == [
        "default DatabaseCache kept",
        "renditions DummyCache None",
    ]


FRONTEND_PROBE = (
    "from django.apps import apps; from django.conf import settings; "
    "print(apps.is_installed('wagtail.contrib.frontend_cache'), "
    "getattr(settings, 'WAGTAILFRONTENDCACHE', None))"
)


def test_front_end_cache_invalidation_is_off_unless_configured(production_env):
    off = run_manage("shell", "--no-imports", "-c", FRONTEND_PROBE, env=production_env)
    assert off.stdout.strip() == "False None", off.stderr
    production_env["WAGTAILFRONTENDCACHE"] = (
        '{"cdn": {"BACKEND": "wagtail.contrib.frontend_cache.backends.HTTPBackend",'
        ' "LOCATION": "http://127.0.0.1:6081"}}'
    )
    on = run_manage("shell", "--no-imports", "-c", FRONTEND_PROBE, env=production_env)
    assert on.stdout.startswith("True {'cdn': "), on.stderr


def test_a_malformed_front_end_cache_setting_is_named(production_env):
    production_env["WAGTAILFRONTENDCACHE"] = "{not json"
    result = run_manage("check", env=production_env)
    assert result.returncode != 0
    assert "WAGTAILFRONTENDCACHE is not valid JSON" in result.stderr
