"""One brief to a whole shortlist: one Enquiry per company, each company mailed only its own."""

import re

from django.core import mail
from django.urls import reverse

import pytest

from commissioners.models import Shortlist
from directory.models import Enquiry
from tests.directory.factories import company
from tests.worker import committed

from .factories import commissioner

BRIEF = {
    "name": "Bea Buyer",
    "email": "buyer@broadcaster.example",
    "organisation": "Northern Broadcasting",
    "phone": "",
    "message": "A six-part factual series, shooting in May; budget on request.",
    "website": "",
}


def ticking(studios, **changes) -> dict:
    """The brief as sent with ``studios`` ticked (the form ticks every company at first)."""
    return {**BRIEF, "companies": [studio.pk for studio in studios], **changes}


def full_list(person, studios):
    shortlist = Shortlist.default_for(person)
    for studio in studios:
        shortlist.add(studio)
    return shortlist


def brief_url(shortlist):
    return reverse("shortlist:brief", args=[shortlist.pk])


@pytest.mark.django_db
def test_the_form_starts_from_the_commissioners_details_and_names_every_company(
    buyer_client, buyer, studios
):
    html = buyer_client.get(brief_url(full_list(buyer, studios))).content.decode()
    assert 'value="Northern Broadcasting"' in html and 'value="buyer@broadcaster.example"' in html
    assert all(studio.title in html for studio in studios)
    # Every company ticked at first.
    for studio in studios:
        assert re.search(f'<input[^>]*value="{studio.pk}"[^>]*checked', html), studio.title
    assert "Send to the ticked companies" in html


@pytest.mark.django_db
def test_a_brief_makes_one_enquiry_per_company_and_mails_each_its_own(
    buyer_client, buyer, studios, django_capture_on_commit_callbacks
):
    shortlist = full_list(buyer, studios)
    with django_capture_on_commit_callbacks(execute=True):
        response = buyer_client.post(brief_url(shortlist), ticking(studios))
    assert response.status_code == 302
    assert sorted(Enquiry.objects.values_list("company_id", flat=True)) == sorted(
        s.pk for s in studios
    )
    assert len(mail.outbox) == 3
    for enquiry in Enquiry.objects.all():
        [email] = enquiry.outbound_emails.all()
        assert email.to == [enquiry.company.email]
        assert email.reply_to == ["buyer@broadcaster.example"]
    for message in mail.outbox:
        assert len(message.to) == 1 and not message.cc and not message.bcc
        others = [s.title for s in studios if s.email != message.to[0]]
        assert not any(title in message.body for title in others)
    page = buyer_client.get(response.url).content.decode()
    assert "Your brief went to 3 companies" in page


@committed
def test_the_worker_sends_each_company_only_its_own_copy(client, smtp, task_worker):
    person = commissioner()
    studios = [
        company("Kiln Light Animation", email="hello@kilnlight.example"),
        company("Glaze Grade Post", email="hello@glazegrade.example"),
        company("Saggar Sound", email="hello@saggar.example"),
    ]
    client.force_login(person)
    smtp.up()
    assert client.post(brief_url(full_list(person, studios)), ticking(studios)).status_code == 302
    assert not smtp.messages  # nothing sent in the request
    task_worker.run()
    assert sorted(m["To"] for m in smtp.messages) == sorted(s.email for s in studios)
    for message in smtp.messages:
        assert message["Cc"] is None and message["Bcc"] is None
        body = message.get_payload(decode=True).decode()
        others = [s.title for s in studios if s.email != message["To"]]
        assert not any(title in body for title in others), message["To"]


@pytest.mark.django_db
def test_briefs_share_the_enquiry_rate_limit(buyer_client, buyer, studios, settings):
    settings.DIRECTORY_ENQUIRY_RATE = "2/h"
    shortlist = full_list(buyer, studios)
    statuses = [
        buyer_client.post(brief_url(shortlist), ticking(studios)).status_code for _ in range(3)
    ]
    assert statuses == [302, 302, 429]
    assert Enquiry.objects.count() == 6
    # The profile's enquiry form counts against the same limit.
    response = buyer_client.post(studios[0].url + studios[0].reverse_subpage("enquiry"), BRIEF)
    assert response.status_code == 429


@pytest.mark.django_db
def test_the_honeypot_keeps_nothing(buyer_client, buyer, studios):
    response = buyer_client.post(
        brief_url(full_list(buyer, studios)), ticking(studios, website="http://spam.example")
    )
    assert response.status_code == 302
    assert not Enquiry.objects.exists() and not mail.outbox


@pytest.mark.django_db
def test_a_bad_brief_is_refused_keeping_the_input(buyer_client, buyer, studios):
    response = buyer_client.post(
        brief_url(full_list(buyer, studios)), ticking(studios, message="hi")
    )
    assert response.status_code == 400
    html = response.content.decode()
    assert "at least 20 characters" in html and 'value="Northern Broadcasting"' in html
    assert not Enquiry.objects.exists()


@pytest.mark.django_db
def test_a_company_that_lapsed_meanwhile_gets_nothing(
    buyer_client, buyer, studios, django_capture_on_commit_callbacks
):
    shortlist = full_list(buyer, studios)
    studios[2].membership_status = "lapsed"
    studios[2].save()
    with django_capture_on_commit_callbacks(execute=True):
        buyer_client.post(brief_url(shortlist), ticking(studios))
    assert set(Enquiry.objects.values_list("company_id", flat=True)) == {
        studios[0].pk,
        studios[1].pk,
    }


@pytest.mark.django_db
def test_unticked_companies_get_nothing(
    buyer_client, buyer, studios, django_capture_on_commit_callbacks
):
    shortlist = full_list(buyer, studios)
    with django_capture_on_commit_callbacks(execute=True):
        response = buyer_client.post(brief_url(shortlist), ticking([studios[0], studios[2]]))
    assert response.status_code == 302
    assert sorted(Enquiry.objects.values_list("company_id", flat=True)) == sorted(
        [studios[0].pk, studios[2].pk]
    )
    assert sorted(m.to[0] for m in mail.outbox) == sorted([studios[0].email, studios[2].email])
    page = buyer_client.get(response.url).content.decode()
    assert f"Your brief went to 2 companies: {studios[0].title}, {studios[2].title}." in page
    assert studios[1].title not in page.split("Your brief went to")[1].split("<")[0]


@pytest.mark.django_db
@pytest.mark.parametrize(
    "ticks",
    [[], ["99999999"], ["not-a-number"]],
    ids=["none ticked", "a company not on the list", "garbage"],
)
def test_a_brief_to_nobody_is_refused_with_a_clear_message_keeping_the_input(
    buyer_client, buyer, studios, ticks
):
    shortlist = full_list(buyer, studios)
    response = buyer_client.post(brief_url(shortlist), {**BRIEF, "companies": ticks})
    assert response.status_code == 400
    html = response.content.decode()
    assert "Tick at least one company to send the brief to." in html
    assert BRIEF["message"] in html  # the message is kept
    assert not Enquiry.objects.exists() and not mail.outbox


@pytest.mark.django_db
def test_another_commissioners_company_cannot_be_ticked_into_a_brief(
    buyer_client, buyer, studios, rival_buyer
):
    """Only companies on this list: an id from someone else's list is dropped."""
    theirs = Shortlist.objects.create(owner=rival_buyer, name="Theirs")
    theirs.add(studios[2])
    mine = full_list(buyer, studios[:2])
    response = buyer_client.post(brief_url(mine), ticking(studios))
    assert response.status_code == 302
    assert sorted(Enquiry.objects.values_list("company_id", flat=True)) == sorted(
        s.pk for s in studios[:2]
    )
