"""The enquiry form: validated, honeypot, rate-limited, stored with its email for the worker."""

from django.core import mail
from django.core.cache import cache

import pytest

from cms.outbox.models import OutboundEmail
from directory.models import Enquiry
from tests.worker import committed

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


def test_enquiry_is_stored_emailed_and_confirmed(
    client, studio, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):  # mail goes after the commit
        response = client.post(enquiry_url(studio), GOOD)
    assert response.status_code == 302
    assert response["Location"] == studio.url + "enquiry/sent/"
    enquiry = Enquiry.objects.get()
    assert (enquiry.company_id, enquiry.name, enquiry.email) == (
        studio.pk,
        "Ada Producer",
        "ada@broadcaster.example",
    )
    [email] = enquiry.outbound_emails.all()
    assert email.status == OutboundEmail.Status.SENT and email.kind == "enquiry"
    [message] = mail.outbox
    assert message.to == ["hello@kiln.example"]
    assert message.reply_to == ["ada@broadcaster.example"]
    assert "stop-motion title sequence" in message.body
    confirmation = client.get(response["Location"])
    assert "your enquiry has been sent" in confirmation.content.decode()


def test_with_smtp_down_the_enquiry_is_kept_and_its_email_queued(
    client, studio, smtp, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):  # the inline send is tried, and fails
        response = client.post(enquiry_url(studio), GOOD)
    assert response.status_code == 302  # the commissioner still gets the confirmation
    enquiry = Enquiry.objects.get()
    assert enquiry.message == GOOD["message"]
    [email] = enquiry.outbound_emails.all()
    assert (email.status, email.attempts) == (OutboundEmail.Status.QUEUED, 1)
    assert "Connection refused" in email.last_error


def test_a_line_break_in_the_name_is_folded_and_the_enquiry_still_emailed(
    client, studio, django_capture_on_commit_callbacks
):
    """Issue 11: Django refused the header, and the enquiry was silently never sent."""
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(enquiry_url(studio), {**GOOD, "name": "Ada\r\nBcc: x@evil.example"})
    assert response.status_code == 302
    assert Enquiry.objects.get().name == "Ada\r\nBcc: x@evil.example"  # kept as typed
    [message] = mail.outbox
    assert message.subject == "Enquiry via Platform from Ada Bcc: x@evil.example"
    assert message.bcc == [] and "Bcc" not in message.message()
    assert message.to == ["hello@kiln.example"]


def test_company_without_email_goes_to_the_cluster_team(
    client, settings, django_capture_on_commit_callbacks
):
    settings.DIRECTORY_ENQUIRIES_FALLBACK_EMAIL = "team@platform.example"
    page = company("No Inbox Ltd", place=PlaceFactory(name="Fentonia", slug="fentonia"))
    with django_capture_on_commit_callbacks(execute=True):
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


def test_an_enquiry_from_another_site_is_refused(studio):
    """The form carries no CSRF token (the profile is cached whole): its origin is checked."""
    from django.test import Client

    response = Client(enforce_csrf_checks=True).post(
        enquiry_url(studio), GOOD, HTTP_ORIGIN="https://elsewhere.example"
    )
    assert response.status_code == 403
    assert Enquiry.objects.count() == 0


def test_get_on_the_enquiry_url_goes_to_the_form(client, studio):
    response = client.get(enquiry_url(studio))
    assert response.status_code == 302 and response["Location"].endswith("#enquiry")


def test_lapsed_company_takes_no_enquiries(client):
    page = company("Lapsed Ltd", membership_status="lapsed")
    assert client.post(enquiry_url(page), GOOD).status_code == 404
    assert Enquiry.objects.count() == 0


@committed
def test_an_unsent_enquiry_is_retried_by_the_worker_until_smtp_is_back(client, smtp, task_worker):
    """Issue 11: nothing ever retried an unsent enquiry."""
    studio = company("Kiln Animation", email="hello@kiln.example")
    assert client.post(enquiry_url(studio), GOOD).status_code == 302
    task_worker.run()  # refused
    email = Enquiry.objects.get().outbound_emails.get()
    assert (email.status, email.attempts) == (OutboundEmail.Status.QUEUED, 1)
    assert task_worker.queued("send_outbound_email").count() == 1  # the retry, deferred
    smtp.up()
    task_worker.run(including_deferred=True)
    email.refresh_from_db()
    assert email.status == OutboundEmail.Status.SENT
    [message] = smtp.messages
    assert message["To"] == "hello@kiln.example"
    assert message["Reply-To"] == GOOD["email"]
