"""Login and password-reset throttling with lockout; honeypot on the reset form."""

from django.core import mail
from django.test import Client
from django.urls import reverse

from cms.outbox.models import OutboundEmail

from .factories import PASSWORD, editor


def fail_login(client, url, username, times):
    return [
        client.post(url, {"username": username, "password": "wrong-password"}).status_code
        for _ in range(times)
    ]


def test_five_failures_lock_the_account_out_even_with_the_right_password(client, owner):
    url = reverse("members:login")
    assert fail_login(client, url, owner.email, 4) == [200] * 4
    locked = fail_login(client, url, owner.email, 1)
    assert locked == [429]
    response = client.post(url, {"username": owner.email, "password": PASSWORD})
    assert response.status_code == 429
    assert b"Too many failed sign-in attempts" in response.content
    assert "_auth_user_id" not in client.session


def test_a_success_before_the_limit_resets_the_count(client, owner):
    url = reverse("members:login")
    fail_login(client, url, owner.email, 4)
    assert client.post(url, {"username": owner.email, "password": PASSWORD}).status_code == 302
    client.post(reverse("members:logout"))
    assert fail_login(client, url, owner.email, 4) == [200] * 4


def test_the_lockout_is_per_account_and_address(owner):
    attacker = Client(REMOTE_ADDR="203.0.113.9")
    fail_login(attacker, reverse("members:login"), owner.email, 6)
    # The member, from their own connection, can still sign in.
    member_client = Client(REMOTE_ADDR="198.51.100.7")
    response = member_client.post(
        reverse("members:login"), {"username": owner.email, "password": PASSWORD}
    )
    assert response.status_code == 302


def test_the_wagtail_admin_login_is_throttled_too(client, db):
    person = editor()
    statuses = fail_login(client, "/admin/login/", person.username, 6)
    assert statuses[-1] == 429
    response = client.post("/admin/login/", {"username": person.username, "password": PASSWORD})
    assert response.status_code == 429


def test_many_usernames_from_one_address_are_rate_limited(client, owner):
    url = reverse("members:login")
    statuses = [
        client.post(url, {"username": f"guess{i}@example.com", "password": "x"}).status_code
        for i in range(31)
    ]
    assert statuses[:30] == [200] * 30
    assert statuses[30] == 429


def test_password_reset_sends_a_single_use_expiring_link(
    client, owner, settings, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):  # mail goes after the commit
        response = client.post(reverse("members:password_reset"), {"email": owner.email})
    assert response.status_code == 302
    [message] = mail.outbox
    link = next(line for line in message.body.splitlines() if "/password-reset/" in line)
    path = "/" + link.split("/", 3)[3]
    form_page = client.get(path, follow=True)
    assert b"Choose a new password" in form_page.content
    new = "Brand-new-Kiln-2026"
    done = client.post(
        form_page.redirect_chain[-1][0], {"new_password1": new, "new_password2": new}
    )
    assert done.status_code == 302
    owner.refresh_from_db()
    assert owner.check_password(new)
    # Used once: the same link no longer works.
    again = client.get(path, follow=True)
    assert b"This link no longer works" in again.content
    assert settings.PASSWORD_RESET_TIMEOUT <= 60 * 60 * 24


def test_password_reset_is_throttled_per_address_and_per_email(
    owner, django_capture_on_commit_callbacks
):
    client = Client(REMOTE_ADDR="203.0.113.20")
    url = reverse("members:password_reset")
    with django_capture_on_commit_callbacks(execute=True):
        statuses = [client.post(url, {"email": owner.email}).status_code for _ in range(4)]
    assert statuses == [302, 302, 302, 429]
    assert len(mail.outbox) == 3
    other = Client(REMOTE_ADDR="203.0.113.21")
    statuses = [other.post(url, {"email": f"x{i}@example.com"}).status_code for i in range(6)]
    assert statuses[-1] == 429


def test_password_reset_for_unknown_email_looks_the_same(client, db):
    response = client.post(reverse("members:password_reset"), {"email": "nobody@example.com"})
    assert response.status_code == 302
    assert not mail.outbox and not OutboundEmail.objects.exists()


def test_password_reset_honeypot(client, owner):
    response = client.post(
        reverse("members:password_reset"), {"email": owner.email, "website_url": "http://spam"}
    )
    assert response.status_code == 200
    assert not mail.outbox and not OutboundEmail.objects.exists()


def test_client_address_behind_trusted_proxies(rf, settings):
    from members.auth import client_ip

    request = rf.get("/", REMOTE_ADDR="10.0.0.2", HTTP_X_FORWARDED_FOR="6.6.6.6, 203.0.113.5")
    settings.TRUSTED_PROXY_COUNT = 0
    assert client_ip(request) == "10.0.0.2"  # no proxy: the header is the client's invention
    settings.TRUSTED_PROXY_COUNT = 1
    assert client_ip(request) == "203.0.113.5"  # the address our proxy saw, not the spoof
    settings.TRUSTED_PROXY_COUNT = 2
    assert client_ip(request) == "6.6.6.6"


def test_behind_a_proxy_visitors_are_throttled_separately(owner, settings, db):
    settings.TRUSTED_PROXY_COUNT = 1
    url = reverse("members:login")
    attacker = Client(REMOTE_ADDR="10.0.0.2", HTTP_X_FORWARDED_FOR="203.0.113.66")
    statuses = [
        attacker.post(url, {"username": f"g{i}@example.com", "password": "x"}).status_code
        for i in range(31)
    ]
    assert statuses[-1] == 429
    visitor = Client(REMOTE_ADDR="10.0.0.2", HTTP_X_FORWARDED_FOR="198.51.100.8")
    response = visitor.post(url, {"username": owner.email, "password": PASSWORD})
    assert response.status_code == 302


def test_with_production_s_redis_cache_limits_are_counted_where_every_worker_sees_them(
    owner, redis_cache, redis_url
):
    import redis

    url = reverse("members:login")
    guesser = Client(REMOTE_ADDR="203.0.113.77")
    statuses = [
        guesser.post(url, {"username": f"guess{i}@example.com", "password": "x"}).status_code
        for i in range(31)
    ]
    # The lockout (django-axes) keeps its failures in the database, shared too.
    locked = fail_login(Client(REMOTE_ADDR="203.0.113.78"), url, owner.email, 6)
    # Another process (a second worker) reads the rate-limit counter from the server.
    server = redis.Redis.from_url(redis_url)
    values = [server.get(key) for key in server.scan_iter(match=f"{redis_cache}:*")]
    counters = [int(value) for value in values if value.isdigit()]  # beside the site frame
    server.close()

    assert statuses[:30] == [200] * 30 and statuses[30] == 429
    assert locked[-1] == 429
    assert 31 in counters
