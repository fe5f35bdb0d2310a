"""The suite's own rules (tests/conftest.py), checked by running pytest on a tiny suite."""

from pathlib import Path

import pytest

pytest_plugins = ["pytester"]

RULES = (Path(__file__).parent / "conftest.py").read_text()

SAMPLE = """
import pytest

def test_passes():
    assert True

def test_skips():
    pytest.skip("no such service here")

def test_needs_elasticsearch(elasticsearch_url):
    assert elasticsearch_url.startswith("http")

@pytest.mark.xfail(reason="a known bug", strict=True)
def test_known_bug():
    assert False
"""


@pytest.fixture
def sample(pytester):
    pytester.makeconftest(RULES)
    pytester.makepyfile(test_sample=SAMPLE)
    return pytester


def run(sample, monkeypatch, **env):
    monkeypatch.delenv("ELASTICSEARCH_URL", raising=False)
    monkeypatch.delenv("CI", raising=False)
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    return sample.runpytest_subprocess("-p", "no:django", "-p", "no:cacheprovider", "-rA")


def test_without_ci_a_missing_service_skips_with_its_reason(sample, monkeypatch):
    result = run(sample, monkeypatch)

    result.assert_outcomes(passed=1, skipped=2, xfailed=1)
    result.stdout.fnmatch_lines(["*ELASTICSEARCH_URL is not set*"])


def test_under_ci_a_skip_is_a_failure_that_names_its_reason(sample, monkeypatch):
    result = run(sample, monkeypatch, CI="true")

    result.assert_outcomes(passed=1, failed=1, errors=1, xfailed=1)
    result.stdout.fnmatch_lines(
        [
            "*skipped in call under CI=true, which is not allowed*no such service here*",
            "*skipped in setup under CI=true*ELASTICSEARCH_URL is not set*",
        ]
    )
    assert result.ret != 0


def test_elasticsearch_url_comes_from_the_environment(sample, monkeypatch):
    result = run(sample, monkeypatch, ELASTICSEARCH_URL="http://127.0.0.1:9250/")

    result.assert_outcomes(passed=2, skipped=1, xfailed=1)
