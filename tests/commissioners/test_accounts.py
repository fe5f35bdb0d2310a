"""Commissioner accounts: sign up, confirm the email (expiring, single use), sign in, reset."""

import re
import time

from django.contrib.auth import get_user_model
from django.core import mail, signing
from django.test import Client
from django.urls import reverse

import pytest

from cms.outbox.models import OutboundEmail
from commissioners.models import GROUP_NAME, Commissioner, is_commissioner
from commissioners.verification import VERIFICATION_LIFETIME
from tests.directory.factories import company
from tests.members.factories import editor, member

from .factories import PASSWORD, commissioner

pytestmark = pytest.mark.django_db

SIGN_UP = {
    "first_name": "Cara",
    "last_name": "Commissioner",
    "email": "Cara@Channel.example",
    "organisation": "Channel Nine",
    "role": "Head of factual",
    "password1": PASSWORD,
    "password2": PASSWORD,
    "website_url": "",
}


def sign_up(client, django_capture_on_commit_callbacks, **changes):
    with django_capture_on_commit_callbacks(execute=True):
        return client.post(reverse("commissioners:sign_up"), {**SIGN_UP, **changes})


def verification_link(to="cara@channel.example"):
    [message] = [m for m in mail.outbox if m.to == [to]]
    return re.search(r"http://testserver(/commissioners/verify/\S+/)", message.body).group(1)


def test_sign_up_mails_a_link_through_the_outbox_and_the_account_opens_when_it_is_followed(
    client, django_capture_on_commit_callbacks
):
    response = sign_up(client, django_capture_on_commit_callbacks)
    assert response.status_code == 302
    person = Commissioner.objects.get()
    assert person.user.email == "cara@channel.example"
    assert (person.organisation, person.role) == ("Channel Nine", "Head of factual")
    assert not person.user.is_active and not is_commissioner(person.user)
    email = OutboundEmail.objects.get(kind="commissioner_verification")
    assert email.status == OutboundEmail.Status.SENT

    # Not yet confirmed: the password alone does not sign in.
    login = reverse("commissioners:login")
    assert (
        client.post(login, {"username": "cara@channel.example", "password": PASSWORD}).status_code
        == 200
    )

    link = verification_link()
    assert client.get(link).status_code == 200  # a button, so that mail scanners confirm nothing
    assert not Commissioner.objects.get().email_verified
    assert client.post(link).status_code == 302
    person.refresh_from_db()
    assert person.email_verified and person.user.is_active
    assert person.user.groups.filter(name=GROUP_NAME).exists()

    response = client.post(login, {"username": "cara@channel.example", "password": PASSWORD})
    assert response.status_code == 302 and response.url == reverse("commissioners:home")
    assert is_commissioner(get_user_model().objects.get(email="cara@channel.example"))


def test_the_link_works_once(client, django_capture_on_commit_callbacks):
    sign_up(client, django_capture_on_commit_callbacks)
    link = verification_link()
    assert client.post(link).status_code == 302
    again = client.post(link)
    assert again.status_code == 410
    assert "already confirmed" in again.content.decode()


def test_the_link_expires(client, django_capture_on_commit_callbacks, monkeypatch):
    sign_up(client, django_capture_on_commit_callbacks)
    link = verification_link()
    now = time.time()
    # The signature's clock, a minute past the link's lifetime.
    monkeypatch.setattr(
        signing.time, "time", lambda: now + VERIFICATION_LIFETIME.total_seconds() + 60
    )
    response = client.post(link)
    assert response.status_code == 410
    assert "expired" in response.content.decode()
    assert not Commissioner.objects.get().email_verified
    monkeypatch.setattr(signing.time, "time", lambda: now + 60)
    assert client.post(link).status_code == 302  # within its lifetime it worked


def test_a_tampered_link_is_refused(client, django_capture_on_commit_callbacks):
    sign_up(client, django_capture_on_commit_callbacks)
    link = verification_link()
    assert client.post(link[:-3] + "xx/").status_code == 404
    assert client.get("/commissioners/verify/nonsense/").status_code == 404
    assert not Commissioner.objects.get().email_verified


def test_a_new_link_can_be_asked_for_and_the_answer_does_not_say_who_has_an_account(
    client, django_capture_on_commit_callbacks
):
    sign_up(client, django_capture_on_commit_callbacks)
    mail.outbox.clear()
    url = reverse("commissioners:resend_verification")
    with django_capture_on_commit_callbacks(execute=True):
        known = client.post(url, {"email": "cara@channel.example", "website_url": ""})
        unknown = client.post(url, {"email": "nobody@channel.example", "website_url": ""})
    assert known.status_code == unknown.status_code == 302
    assert known.url == unknown.url
    assert [m.to for m in mail.outbox] == [["cara@channel.example"]]
    assert client.post(verification_link()).status_code == 302


def test_an_address_that_has_an_account_is_told_to_sign_in(
    client, db, django_capture_on_commit_callbacks
):
    member(company("Acme"), "cara@channel.example")
    response = sign_up(client, django_capture_on_commit_callbacks)
    assert response.status_code == 200
    assert "already an account" in response.content.decode()
    assert not Commissioner.objects.exists()


def test_a_member_becomes_a_commissioner_with_the_same_account(
    client, django_capture_on_commit_callbacks
):
    person = member(company("Acme"), "cara@channel.example")
    client.force_login(person)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("commissioners:become"), {"organisation": "Acme", "role": "Producer"}
        )
    assert response.status_code == 302
    assert not is_commissioner(person)
    client.post(verification_link())
    person = get_user_model().objects.get(pk=person.pk)
    assert is_commissioner(person)
    assert person.company_memberships.exists()  # still a member too


def test_weak_passwords_and_mismatches_are_refused_keeping_the_input(
    client, django_capture_on_commit_callbacks
):
    response = sign_up(
        client, django_capture_on_commit_callbacks, password1="password", password2="password"
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert "too common" in html and 'value="Channel Nine"' in html
    response = sign_up(client, django_capture_on_commit_callbacks, password2="something-else-9X")
    assert (
        "don&#x27;t match" in response.content.decode()
        or "don't match" in response.content.decode()
    )
    assert not Commissioner.objects.exists() and not mail.outbox


def test_the_honeypot_refuses_bots(client, django_capture_on_commit_callbacks):
    response = sign_up(
        client, django_capture_on_commit_callbacks, website_url="http://spam.example"
    )
    assert response.status_code == 200
    assert not Commissioner.objects.exists() and not mail.outbox


def test_sign_ups_are_rate_limited(client, django_capture_on_commit_callbacks):
    statuses = [
        sign_up(
            client, django_capture_on_commit_callbacks, email=f"c{i}@channel.example"
        ).status_code
        for i in range(6)
    ]
    assert statuses == [302] * 5 + [429]
    assert Commissioner.objects.count() == 5


def test_sign_in_is_throttled_and_locks_out_like_the_members(db):
    person = commissioner()
    browser = Client()
    url = reverse("commissioners:login")
    for _ in range(4):
        assert browser.post(url, {"username": person.email, "password": "wrong"}).status_code == 200
    assert browser.post(url, {"username": person.email, "password": "wrong"}).status_code == 429
    response = browser.post(url, {"username": person.email, "password": PASSWORD})
    assert response.status_code == 429
    assert "_auth_user_id" not in browser.session


def test_password_reset_mails_a_commissioner_link_through_the_outbox(
    client, django_capture_on_commit_callbacks
):
    person = commissioner()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("commissioners:password_reset"), {"email": person.email, "website_url": ""}
        )
    assert response.url == reverse("commissioners:password_reset_done")
    [message] = mail.outbox
    assert "commissioner account" in message.body
    path = re.search(r"http://testserver(/commissioners/password-reset/\S+/)", message.body).group(
        1
    )
    form = client.get(path, follow=True)
    assert form.status_code == 200 and "Choose a new password" in form.content.decode()
    new = "another-Long-passphrase-8"
    response = client.post(form.redirect_chain[-1][0], {"new_password1": new, "new_password2": new})
    assert response.url == reverse("commissioners:password_reset_complete")
    assert (
        Client()
        .post(reverse("commissioners:login"), {"username": person.email, "password": new})
        .status_code
        == 302
    )


def test_password_resets_are_rate_limited(client):
    person = commissioner()
    url = reverse("commissioners:password_reset")
    statuses = [client.post(url, {"email": person.email}).status_code for _ in range(4)]
    assert statuses == [302, 302, 302, 429]


def test_signing_out(buyer_client):
    assert buyer_client.post(reverse("commissioners:logout")).status_code == 302
    assert "_auth_user_id" not in buyer_client.session


def test_editors_mark_commissioners_verified_in_the_admin(client, db):
    person = commissioner()
    client.force_login(editor())  # Wagtail's Moderators: granted by the data migration
    profile = person.commissioner
    listing = client.get(reverse("commissioners_admin:index"))
    assert listing.status_code == 200 and "Northern Broadcasting" in listing.content.decode()
    edit = reverse("commissioners_admin:edit", args=[profile.pk])
    response = client.post(
        edit,
        {"organisation": profile.organisation, "role": profile.role, "verified_by_editor": "on"},
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    profile.refresh_from_db()
    assert profile.verified_by_editor
    # Nobody adds commissioners in the admin: they sign up themselves.
    assert client.get(reverse("commissioners_admin:add")).status_code in (302, 403)
