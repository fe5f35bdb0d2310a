"""With Redis down, pages and forms still answer: the cache behaves as an empty one.

The caches here are production's (``cms.settings.base.redis_caches``),
pointed at a port where no server listens, which is what an outage looks
like to the client: connections are refused.
"""

import logging
import socket

from django.core.cache import caches

import pytest

from cms.cache import ResilientRedisCache
from cms.settings.base import redis_caches
from directory.models import Enquiry
from tests.directory.factories import company, home_page

pytestmark = pytest.mark.django_db


@pytest.fixture
def redis_down(settings):
    """Production's caches on a Redis that does not answer."""
    with socket.socket() as probe:  # a port nothing listens on once closed
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    settings.CACHES = redis_caches(f"redis://127.0.0.1:{port}/0", key_prefix="outage")
    ResilientRedisCache._last_report = 0.0  # so this test's first failure is logged
    return caches["default"]


def test_an_unreachable_cache_answers_like_an_empty_one(redis_down):
    assert isinstance(redis_down, ResilientRedisCache)
    assert redis_down.get("frame", "fallback") == "fallback"
    assert redis_down.get_many(["a", "b"]) == {}
    assert redis_down.add("counter", 1, 60) is False
    redis_down.set("frame", "value", 60)  # dropped, no error
    assert redis_down.get("frame") is None
    assert redis_down.get_or_set("frame", lambda: "computed", 60) == "computed"
    with pytest.raises(ValueError):  # as for a missing key: rate limits handle it
        redis_down.incr("counter")
    assert redis_down.delete("frame") is False


def test_pages_answer_and_the_outage_is_logged_once(redis_down, client, caplog):
    home_page()
    studio = company("Kiln Animation", skills=["Animation"])
    with caplog.at_level(logging.WARNING, logger="cms.cache"):
        for url in ("/", studio.url, studio.get_parent().url, studio.get_parent().url + "?q=kiln"):
            response = client.get(url)
            assert response.status_code == 200, url
    assert b"Kiln Animation" in response.content
    outage = [r for r in caplog.records if r.name == "cms.cache"]
    assert len(outage) == 1 and "unreachable" in outage[0].getMessage()


def test_an_enquiry_is_taken_while_the_cache_is_down(redis_down, client):
    studio = company("Kiln Animation", email="hello@kiln.example")
    response = client.post(
        studio.url + "enquiry/",
        {
            "name": "Ada Producer",
            "email": "ada@broadcaster.example",
            "organisation": "North Star TV",
            "phone": "",
            "message": "We need a stop-motion title sequence for a six-part drama.",
        },
    )
    assert response.status_code == 302, response.content.decode()[:500]
    assert Enquiry.objects.get().name == "Ada Producer"
