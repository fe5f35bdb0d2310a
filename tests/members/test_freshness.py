"""Reminders to confirm a profile is still accurate, the one-click link, the staleness report."""

from __future__ import annotations

import datetime
import re

from django.contrib.auth.models import Group, Permission
from django.core.management import call_command
from django.test import Client
from django.urls import reverse
from django.utils import timezone

import pytest

from cms.outbox.models import OutboundEmail
from directory.models import STALE_AFTER, CompanyPage
from directory.search import sync
from members import freshness
from members.models import ProfileReminder
from tests.directory.factories import company
from tests.worker import committed

from .factories import editor, member, user

pytestmark = pytest.mark.django_db

LONG_AGO = timezone.now() - STALE_AFTER - datetime.timedelta(days=10)


def aged(page, when=LONG_AGO):
    CompanyPage.objects.filter(pk=page.pk).update(last_published_at=when)
    return CompanyPage.objects.get(pk=page.pk)


def link_path(reminder) -> str:
    return reverse("members:still_accurate", args=[freshness.reminder_token(reminder)])


@pytest.fixture
def stale(acme):
    member(acme, "owner@acme.example")
    member(acme, "editor@acme.example", role="editor")
    return aged(acme)


# -- who is reminded, and how often ----------------------------------------------


def test_a_stale_profile_gets_one_reminder_mailed_to_each_member(stale, rival):
    [reminder] = freshness.send_reminders()
    assert reminder.company == stale
    assert reminder.recipients == ["editor@acme.example", "owner@acme.example"]
    emails = OutboundEmail.objects.filter(kind="profile_reminder").order_by("to")
    assert [email.to for email in emails] == [["editor@acme.example"], ["owner@acme.example"]]
    assert all(email.about == reminder for email in emails)
    body = emails[0].body
    assert link_path(reminder) in body
    assert reverse("members:edit_profile", args=[stale.pk]) in body
    assert f"last updated in {LONG_AGO:%B %Y}" in body


def test_never_more_than_one_reminder_a_month(stale):
    now = timezone.now()
    assert len(freshness.send_reminders(now)) == 1
    assert freshness.send_reminders(now) == []
    assert freshness.send_reminders(now + datetime.timedelta(days=29)) == []
    assert len(freshness.send_reminders(now + datetime.timedelta(days=31))) == 1
    assert ProfileReminder.objects.count() == 2


def test_fresh_confirmed_lapsed_and_unpublished_profiles_are_not_reminded(acme):
    member(acme)
    aged(company("Lapsed Pictures", membership_status="lapsed"))
    aged(company("Draft Pictures", live=False))
    confirmed = aged(company("Confirmed Pictures"))
    CompanyPage.objects.filter(pk=confirmed.pk).update(confirmed_at=timezone.now())
    assert freshness.send_reminders() == []


def test_a_company_without_members_is_reminded_at_its_enquiry_address():
    aged(company("Lone Studio", email="hello@lone.example"))
    aged(company("Silent Studio"))  # no members, no address: nobody to ask
    [reminder] = freshness.send_reminders()
    assert reminder.recipients == ["hello@lone.example"]
    [email] = OutboundEmail.objects.filter(kind="profile_reminder")
    assert "nobody looks after the profile yet" in email.body


def test_the_daily_command_queues_the_reminders_and_dry_run_only_lists(stale, capsys):
    call_command("send_profile_reminders", "--dry-run")
    assert "Acme Animation" in capsys.readouterr().out
    assert not ProfileReminder.objects.exists()
    call_command("send_profile_reminders")
    assert "Queued 2 reminder email(s) for 1 company profile(s)." in capsys.readouterr().out
    call_command("send_profile_reminders")
    assert "Queued 0 reminder email(s)" in capsys.readouterr().out


# -- the "still accurate" link ---------------------------------------------------


def test_opening_the_link_confirms_nothing(client, stale):
    [reminder] = freshness.send_reminders()
    response = client.get(link_path(reminder))
    assert response.status_code == 200
    html = response.content.decode()
    assert "Acme Animation" in html
    assert "Yes, it is still accurate" in html
    assert 'method="post"' in html and "csrfmiddlewaretoken" in html
    reminder.refresh_from_db()
    stale.refresh_from_db()
    assert reminder.confirmed_at is None and stale.confirmed_at is None


def test_the_link_confirms_once_and_reindexes_the_company(client, stale, monkeypatch):
    [reminder] = freshness.send_reminders()
    reindexed = []
    monkeypatch.setattr(sync, "companies_changed", lambda ids: reindexed.extend(ids))
    path = link_path(reminder)  # signed with the time: once, not across a second's turn
    response = client.post(path)
    assert response.status_code == 302
    assert response["Location"] == path + "thanks/"
    stale.refresh_from_db()
    assert stale.confirmed_at is not None and not stale.is_stale()
    assert stale.updated_at == stale.confirmed_at
    assert reindexed == [stale.pk]
    thanks = client.get(response["Location"])
    assert thanks.status_code == 200
    assert f"updated in {timezone.localtime():%B %Y}" in thanks.content.decode()

    # A second click changes nothing and says why.
    first = stale.confirmed_at
    again = client.post(link_path(reminder))
    assert again.status_code == 410
    assert "Already confirmed" in again.content.decode()
    assert reverse("members:login") in again.content.decode()
    stale.refresh_from_db()
    assert stale.confirmed_at == first
    assert client.get(link_path(reminder)).status_code == 410


def test_a_cached_profile_shows_the_confirmation_at_once(client, stale, settings):
    settings.PAGE_CACHE_ENABLED = True
    [reminder] = freshness.send_reminders()
    visitor = Client()
    assert f'Updated <time datetime="{LONG_AGO:%Y-%m}">' in visitor.get(stale.url).content.decode()
    assert visitor.get(stale.url)["X-Page-Cache"] == "hit"
    client.post(link_path(reminder))
    this_month = f'Updated <time datetime="{timezone.localtime():%Y-%m}">'
    assert this_month in visitor.get(stale.url).content.decode()


def test_an_expired_link_is_refused(client, stale):
    [reminder] = freshness.send_reminders()
    ProfileReminder.objects.filter(pk=reminder.pk).update(
        sent_at=timezone.now() - freshness.LINK_LIFETIME - datetime.timedelta(minutes=1)
    )
    for response in (client.get(link_path(reminder)), client.post(link_path(reminder))):
        assert response.status_code == 410
        assert "This link has expired" in response.content.decode()
    stale.refresh_from_db()
    assert stale.confirmed_at is None


@pytest.mark.parametrize(
    "mangle",
    [
        lambda token: token[:-1] + ("A" if token[-1] != "A" else "B"),  # signature changed
        lambda token: "MTIzNDU" + token[token.index(":") :],  # another id, the old signature
        lambda token: "not-a-token",
        lambda token: "x" * 500,
        lambda token: "é:" + token,
    ],
)
def test_a_tampered_link_is_refused_without_an_error(client, stale, mangle):
    [reminder] = freshness.send_reminders()
    path = reverse("members:still_accurate", args=[mangle(freshness.reminder_token(reminder))])
    for response in (client.get(path), client.post(path), client.get(path + "thanks/")):
        assert response.status_code == 404
        assert "This link is not valid" in response.content.decode()
    stale.refresh_from_db()
    assert stale.confirmed_at is None


def test_the_thanks_page_of_an_unused_link_confirms_nothing(client, stale):
    [reminder] = freshness.send_reminders()
    assert client.get(link_path(reminder) + "thanks/").status_code == 404
    stale.refresh_from_db()
    assert stale.confirmed_at is None


def test_confirming_needs_the_forms_csrf_token(stale):
    [reminder] = freshness.send_reminders()
    browser = Client(enforce_csrf_checks=True)
    assert browser.post(link_path(reminder)).status_code == 403
    page = browser.get(link_path(reminder)).content.decode()
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1)
    assert browser.post(link_path(reminder), {"csrfmiddlewaretoken": token}).status_code == 302


def test_confirmations_are_rate_limited(stale):
    [reminder] = freshness.send_reminders()
    guesser = Client(REMOTE_ADDR="203.0.113.77")
    path = reverse("members:still_accurate", args=["guess"])
    assert {guesser.post(path).status_code for _ in range(20)} == {404}
    assert guesser.post(link_path(reminder)).status_code == 429
    stale.refresh_from_db()
    assert stale.confirmed_at is None


@committed
def test_the_worker_sends_the_reminder_and_its_link_works_once(client, smtp, task_worker):
    acme = aged(company("Acme Animation"))
    member(acme, "owner@acme.example")
    smtp.up()
    call_command("send_profile_reminders")
    task_worker.run()
    email = OutboundEmail.objects.get(kind="profile_reminder")
    assert email.status == OutboundEmail.Status.SENT
    [message] = smtp.messages
    assert message["To"] == "owner@acme.example"
    body = message.get_payload(decode=True).decode()
    link = re.search(r"https?://\S+(/members/still-accurate/\S+/)", body).group(1)
    assert client.get(link).status_code == 200
    assert client.post(link).status_code == 302
    assert client.post(link).status_code == 410
    acme.refresh_from_db()
    assert acme.confirmed_at is not None


# -- the staleness report ----------------------------------------------------------

REPORT = "/admin/members/stale-profiles/"


def test_editors_see_stale_profiles_oldest_first_with_their_reminders(client, stale, rival):
    aged(company("Older Pictures"), LONG_AGO - datetime.timedelta(days=40))
    earlier = LONG_AGO - datetime.timedelta(days=200)
    ProfileReminder.objects.create(
        company=stale, sent_at=earlier, recipients=["owner@acme.example"], confirmed_at=earlier
    )
    freshness.send_reminders()
    client.force_login(editor())
    response = client.get(REPORT)
    assert response.status_code == 200
    html = response.content.decode()
    assert html.index("Older Pictures") < html.index("Acme Animation") < html.index("Rival")
    assert "2 listed companies not updated or confirmed for six months" in html
    acme_row = html[html.index("Acme Animation") : html.index("Rival")]
    assert f"Sent {timezone.localtime():%-d %b %Y} to editor@acme.example" in acme_row
    assert "not confirmed" in acme_row
    assert f"confirmed {timezone.localtime(earlier):%-d %b %Y}" in acme_row
    assert REPORT in client.get("/admin/").content.decode()  # in the Reports menu


def test_the_report_is_for_editors_only(client, stale):
    assert client.get(REPORT).status_code == 302  # to the admin's sign-in
    client.force_login(member(stale, "owner@acme.example"))
    assert client.get(REPORT).status_code == 302  # members never reach the admin
    # Admin access alone (no page permissions) is not enough.
    viewer = user("viewer@example.com")
    group = Group.objects.create(name="Admin access only")
    group.permissions.add(Permission.objects.get(codename="access_admin"))
    viewer.groups.add(group)
    client.force_login(viewer)
    for path in (REPORT, REPORT + "results/"):
        response = client.get(path)
        assert response.status_code == 302 and "/admin/" in response["Location"]
    assert REPORT not in client.get("/admin/").content.decode()
