"""The enquiry form: validated, honeypot, rate-limited, stored first and then emailed."""

from unittest import mock

from django.core import mail
from django.core.cache import cache

import pytest

from directory.models import Enquiry

from .factories import PlaceFactory, company

pytestmark = pytest.mark.django_db

GOOD = {
    "name": "Ada Producer",
    "email": "ada@broadcaster.example",
    "organisation": "North Star TV",
    "phone": "+44 (0)1782 000000",
    "message": "We need a stop-motion title sequence for a six-part drama in spring.",
}


@pytest.fixture(autouse=True)
def _fresh_rate_limits():
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def studio():
    place = PlaceFactory(name="Burslemton", slug="burslemton")
    return company("Kiln Animation", place=place, email="hello@kiln.example")


def enquiry_url(page):
    return page.url + "enquiry/"


def test_enquiry_is_stored_emailed_and_confirmed(client, studio):
    response = client.post(enquiry_url(studio), GOOD)
    assert response.status_code == 302
    assert response["Location"] == studio.url + "enquiry/sent/"
    enquiry = Enquiry.objects.get()
    assert (enquiry.company_id, enquiry.name, enquiry.email) == (
        studio.pk,
        "Ada Producer",
        "ada@broadcaster.example",
    )
    assert enquiry.emailed_at is not None and enquiry.email_error == ""
    [message] = mail.outbox
    assert message.to == ["hello@kiln.example"]
    assert message.reply_to == ["ada@broadcaster.example"]
    assert "stop-motion title sequence" in message.body
    confirmation = client.get(response["Location"])
    assert "your enquiry has been sent" in confirmation.content.decode()


def test_a_failed_email_loses_nothing(client, studio):
    with mock.patch(
        "django.core.mail.backends.locmem.EmailBackend.send_messages",
        side_effect=ConnectionRefusedError("SMTP server unreachable"),
    ):
        response = client.post(enquiry_url(studio), GOOD)
    assert response.status_code == 302  # the commissioner still gets the confirmation
    enquiry = Enquiry.objects.get()
    assert enquiry.emailed_at is None
    assert "SMTP server unreachable" in enquiry.email_error
    assert enquiry.message == GOOD["message"]


def test_company_without_email_goes_to_the_cluster_team(client, settings):
    settings.DIRECTORY_ENQUIRIES_FALLBACK_EMAIL = "team@platform.example"
    page = company("No Inbox Ltd", place=PlaceFactory(name="Fentonia", slug="fentonia"))
    client.post(enquiry_url(page), GOOD)
    assert mail.outbox[0].to == ["team@platform.example"]


@pytest.mark.parametrize(
    ("field", "value", "error"),
    [
        ("email", "not-an-email", "Enter a valid email address."),
        ("name", "", "This field is required."),
        ("message", "Hi", "at least 20 characters"),
        ("phone", "call me maybe", "digits, spaces"),
    ],
)
def test_invalid_enquiry_shows_errors_and_keeps_what_was_typed(client, studio, field, value, error):
    data = {**GOOD, field: value}
    response = client.post(enquiry_url(studio), data)
    assert response.status_code == 400
    html = response.content.decode()
    assert error in html
    assert GOOD["organisation"] in html  # nothing typed is lost
    assert Enquiry.objects.count() == 0 and not mail.outbox


def test_honeypot_keeps_nothing_but_looks_like_success(client, studio):
    response = client.post(enquiry_url(studio), {**GOOD, "website": "http://spam.example"})
    assert response.status_code == 302
    assert Enquiry.objects.count() == 0 and not mail.outbox


def test_enquiries_are_rate_limited_per_visitor(client, studio, settings):
    settings.DIRECTORY_ENQUIRY_RATE = "2/h"
    for _ in range(2):
        assert client.post(enquiry_url(studio), GOOD).status_code == 302
    response = client.post(enquiry_url(studio), GOOD)
    assert response.status_code == 429
    assert "wait a while" in response.content.decode()
    assert GOOD["message"] in response.content.decode()  # the message is kept in the form
    assert Enquiry.objects.count() == 2


def test_enquiry_needs_a_csrf_token(studio):
    from django.test import Client

    response = Client(enforce_csrf_checks=True).post(enquiry_url(studio), GOOD)
    assert response.status_code == 403
    assert Enquiry.objects.count() == 0


def test_get_on_the_enquiry_url_goes_to_the_form(client, studio):
    response = client.get(enquiry_url(studio))
    assert response.status_code == 302 and response["Location"].endswith("#enquiry")


def test_lapsed_company_takes_no_enquiries(client):
    page = company("Lapsed Ltd", membership_status="lapsed")
    assert client.post(enquiry_url(page), GOOD).status_code == 404
    assert Enquiry.objects.count() == 0
