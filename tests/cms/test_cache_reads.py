"""One request, few round trips to Redis (cms.cache.request_reads), and never a stale answer.

On the real Redis (``redis_cache``). Round trips are counted where the
client sends a command to the server (``redis.connection.Connection``).
"""

from django.core.cache import caches
from django.core.handlers.wsgi import WSGIHandler
from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from django.test import Client, RequestFactory

from wagtail.images import get_image_model

import pytest
import redis
import redis.connection

from cms import page_cache
from cms.cache import request_reads, set_many_later, unrecorded
from directory.models import CompanyPage
from tests.cms import factories as f
from tests.directory.factories import company, directory_index, home_page

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def page_cache_on(settings, redis_cache):
    settings.PAGE_CACHE_ENABLED = True


@pytest.fixture
def round_trips(redis_cache, monkeypatch):
    """A list that grows by one for every command sent to Redis."""
    sent = []
    send = redis.connection.Connection.send_packed_command

    def counted(self, command, *args, **kwargs):
        sent.append(command)
        return send(self, command, *args, **kwargs)

    monkeypatch.setattr(redis.connection.Connection, "send_packed_command", counted)
    return sent


@pytest.fixture
def other_client(redis_url, redis_cache):
    """Another worker's view of the same Redis: writes behind this process's back."""
    client = redis.Redis.from_url(redis_url)
    yield client
    client.close()


def test_a_key_is_asked_for_once_per_request_and_writes_are_read_back(round_trips):
    cache = caches["default"]
    cache.set("frame", "old", 60)
    with request_reads():
        round_trips.clear()
        assert cache.get("frame") == "old"
        assert cache.get("frame") == "old"
        assert cache.get_many(["frame", "absent"]) == {"frame": "old"}
        assert cache.get("absent", "fallback") == "fallback"
        assert len(round_trips) == 2  # "frame", then "absent"; everything else from memory

        cache.set("frame", "new", 60)
        assert cache.get("frame") == "new"
        cache.delete("frame")
        assert cache.get("frame") is None
        assert cache.add("frame", "added", 60) is True
        assert cache.get("frame") == "added"
        assert cache.add("frame", "again", 60) is False
        assert cache.get("frame") == "added"
        cache.set("counter", 1, 60)
        assert cache.incr("counter") == 2
        assert cache.get("counter") == 2
        cache.set_many({"a": 1, "b": 2}, 60)
        assert cache.get_many(["a", "b"]) == {"a": 1, "b": 2}
        cache.delete_many(["a"])
        assert cache.get_many(["a", "b"]) == {"b": 2}
    # What the request wrote reached Redis, not only its memory.
    assert cache.get_many(["frame", "counter", "a", "b"]) == {
        "frame": "added",
        "counter": 2,
        "b": 2,
    }


def test_outside_a_request_nothing_is_remembered(other_client, redis_cache):
    cache = caches["default"]
    cache.set("frame", "old", 60)
    assert cache.get("frame") == "old"
    other_client.set(cache.make_key("frame"), cache._cache._serializer.dumps("new"))
    assert cache.get("frame") == "new"  # the worker and commands read Redis every time
    with request_reads():
        assert cache.get("frame") == "new"
    with request_reads():  # a new request asks again
        other_client.set(cache.make_key("frame"), cache._cache._serializer.dumps("newer"))
        assert cache.get("frame") == "newer"


def test_a_rendition_just_read_is_not_written_back_but_a_new_one_is(round_trips):
    image = f.image("Kiln reel still")
    renditions = caches["renditions"]
    image.get_rendition("fill-96x96")  # made, and cached
    with request_reads():
        round_trips.clear()
        image = get_image_model().objects.get(pk=image.pk)
        read = image.get_rendition("fill-96x96")
        made = image.get_rendition("fill-48x48")
    commands = [bytes(c[0] if isinstance(c, list) else c) for c in round_trips]
    sets = [c for c in commands if b"SET" in c]
    assert len(sets) == 1 and b"fill-48x48" in sets[0], commands
    assert read.file.name and made.file.name
    key = made.construct_cache_key(image, made.focal_point_key, "fill-48x48")
    assert renditions.get(key).pk == made.pk  # the new one reached Redis


def published_company():
    home_page()
    directory_index().save_revision().publish()
    studio = company("Kiln Animation")
    return CompanyPage.objects.get(pk=studio.pk)


def test_the_first_visitor_after_a_publish_reads_the_cache_in_a_few_round_trips(round_trips):
    studio = published_company()
    client = Client()
    assert client.get(studio.url).status_code == 200
    page_cache.invalidate()  # a publish elsewhere
    assert client.get(studio.url)["X-Page-Cache"] == "miss"

    page_cache.invalidate()
    round_trips.clear()
    response = client.get(studio.url)
    assert response["X-Page-Cache"] == "miss"
    reads = [bytes(c[0] if isinstance(c, list) else c) for c in round_trips]
    reads = [command for command in reads if b"GET" in command]
    # The generation and the page's route, then what the page read last
    # time, per cache, then the values kept under tokens at their keys under
    # the tokens just read: not one round trip per entry (over 20 before).
    kept = [command for command in reads if b"cms:kept-types:" in command]
    assert len(kept) == 1 and kept[0].count(b"cms:kept-types:") >= 2, reads
    assert len(reads) <= 5, reads
    assert client.get(studio.url)["X-Page-Cache"] == "hit"


def test_what_changed_since_the_last_rendering_is_read_afresh():
    studio = published_company()
    client = Client()
    assert "Kiln Animation" in client.get(studio.url).text
    studio.title = "Kiln Studios"
    studio.save_revision().publish()  # the next rendering reads ahead the old entries' keys
    page = client.get(studio.url).text
    assert "Kiln Studios" in page and "Kiln Animation" not in page


def test_a_read_ahead_list_from_another_release_is_ignored(redis_cache, other_client):
    studio = published_company()
    client = Client()
    assert client.get(studio.url).status_code == 200
    cache = caches["default"]
    route_key = next(
        key.decode().split(":", 2)[2]
        for key in other_client.scan_iter(f"{redis_cache}:*page-cache:route*")
    )
    route = cache.get(route_key)
    assert route["reads"]  # what the first rendering read
    cache.set(route_key, {**route, "reads": [("old", "format"), "x", None]}, 60)
    page_cache.invalidate()
    assert client.get(studio.url).status_code == 200
    cache.set(route_key, {**route, "reads": "garbage"}, 60)
    page_cache.invalidate()
    assert client.get(studio.url).status_code == 200


def test_only_what_the_request_itself_reads_is_read_ahead_next_time(redis_cache):
    cache = caches["default"]
    cache.set("old", "left from an earlier rendering", 60)
    cache.set("frame", "the frame", 60)
    with request_reads() as reads:
        reads.prefetch([(cache.key_prefix, None, "old"), (cache.key_prefix, None, "frame")])
        assert cache.get("frame") == "the frame"
        with unrecorded():
            assert cache.get("kept") is None
        assert reads.recorded() == [(cache.key_prefix, None, "frame")]


def test_values_written_later_are_read_back_at_once_and_reach_redis_after_the_response(
    other_client, caplog
):
    cache = caches["default"]
    with request_reads() as reads:
        card = {"title": "Kiln"}
        set_many_later(cache, {"kept:a": card, "kept:b": "b"}, 60)
        card["distance"] = 3.2  # what the request does to it next is not kept
        assert cache.get_many(["kept:a", "kept:b"]) == {"kept:a": card, "kept:b": "b"}
        assert other_client.get(cache.make_key("kept:a")) is None  # not yet written
        set_many_later(cache, {"kept:bad": lambda: None}, 60)  # will not pickle
    assert "Could not keep 'kept:bad'" in caplog.text
    assert other_client.get(cache.make_key("kept:a")) is None
    reads.write_later()
    assert cache.get_many(["kept:a", "kept:b", "kept:bad"]) == {
        "kept:a": {"title": "Kiln"},
        "kept:b": "b",
    }
    assert 0 < other_client.ttl(cache.make_key("kept:a")) <= 60
    reads.write_later()  # once only: nothing left to write

    set_many_later(cache, {"kept:c": "now"}, 60)  # outside a request (the worker): at once
    assert cache.get("kept:c") == "now"


def test_a_page_and_what_it_kept_are_written_once_the_wsgi_server_closes_the_response(
    other_client, redis_cache
):
    studio = published_company()
    client = Client()
    assert client.get(studio.url).status_code == 200
    page_cache.invalidate()  # a publish elsewhere: the page is rendered again
    entry = f"{redis_cache}:*page-cache:{page_cache.generation()}:*"
    assert list(other_client.scan_iter(entry)) == []

    # As a WSGI server calls the site: the response is sent, then closed.
    # (Without closing the test's database connection, as the test client does.)
    environ = RequestFactory()._base_environ(PATH_INFO=studio.url, REQUEST_METHOD="GET")
    sent = []
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    try:
        body = WSGIHandler()(environ, lambda status, headers: sent.append(status))
        assert sent == ["200 OK"] and b"Kiln Animation" in b"".join(body)
        assert list(other_client.scan_iter(entry)) == []  # nothing written before the close
        body.close()
    finally:
        request_started.connect(close_old_connections)
        request_finished.connect(close_old_connections)
    assert len(list(other_client.scan_iter(entry))) == 1
    assert client.get(studio.url)["X-Page-Cache"] == "hit"


def test_a_kept_value_is_read_ahead_under_the_tokens_of_the_day_never_an_old_key(round_trips):
    cache = caches["default"]
    built = []

    def build():
        built.append(1)
        return ["Kiln Animation"]

    with request_reads() as first:
        assert page_cache.kept_for_types("names", build, CompanyPage) == ["Kiln Animation"]
    first.write_later()
    recorded = first.recorded()
    old_keys = [key for key in (k.decode() for k in redis_keys(cache)) if "kept-types:names" in key]
    assert len(old_keys) == 1 and built == [1]

    with request_reads() as second:  # nothing changed: read ahead, then no read of its own
        second.prefetch(recorded)
        round_trips.clear()
        assert page_cache.kept_for_types("names", build, CompanyPage) == ["Kiln Animation"]
        assert round_trips == [] and built == [1]

    page_cache.replace_token(page_cache.type_key(CompanyPage))  # a member's publish
    round_trips.clear()
    with request_reads() as third:
        third.prefetch(recorded)
        assert page_cache.kept_for_types("names", build, CompanyPage) == ["Kiln Animation"]
    assert built == [1, 1]
    sent = b"".join(bytes(c[0] if isinstance(c, list) else c) for c in round_trips)
    assert old_keys[0].split(":", 2)[2].encode() not in sent  # the stale copy is never fetched


def redis_keys(cache):
    client = cache._cache.get_client(None)
    return list(client.scan_iter(f"{cache.key_prefix}*"))
