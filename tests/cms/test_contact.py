"""The contact form: stored, emailed, honeypot, rate limit, invalid input."""

from django.core import mail
from django.test import override_settings

from wagtail.contrib.forms.models import FormSubmission

import pytest

from tests.cms import factories as f

pytestmark = pytest.mark.django_db

VALID = {"your_name": "Ada Lovelace", "email": "ada@example.com", "message": "Hello there"}


@pytest.fixture
def contact():
    return f.contact_page(thank_you_text="<p>Thanks, we got it.</p>")


def test_form_renders_with_labels_and_honeypot(client, contact):
    html = client.get("/contact/").content.decode()
    assert '<label for="id_your_name">' in html
    assert 'name="csrfmiddlewaretoken"' in html
    assert 'name="contact_website"' in html


def test_submission_is_stored_and_emailed(client, contact, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):  # mail goes after the commit
        response = client.post("/contact/", VALID)
    assert response.status_code == 200
    assert "Thanks, we got it." in response.content.decode()
    submission = FormSubmission.objects.get(page=contact)
    assert submission.get_data()["message"] == "Hello there"
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == ["team@platform.example"]
    assert mail.outbox[0].subject == "Website enquiry"
    assert "Ada Lovelace" in mail.outbox[0].body
    assert mail.outbox[0].reply_to == ["ada@example.com"]


def test_invalid_submission_shows_errors_not_500(client, contact):
    response = client.post("/contact/", {"your_name": "", "email": "not-an-email"})
    assert response.status_code == 200
    html = response.content.decode()
    assert "Please correct the" in html
    assert 'class="errorlist' in html
    assert not FormSubmission.objects.exists()
    assert mail.outbox == []


def test_a_message_has_a_stated_limit_and_a_longer_one_is_refused_with_a_message(client, contact):
    html = client.get("/contact/").content.decode()
    assert 'maxlength="5000"' in html
    assert "At most 5,000 characters." in html
    response = client.post("/contact/", {**VALID, "message": "x" * 2_000_000})
    assert response.status_code == 200
    assert "at most 5000 characters" in response.content.decode()
    assert not FormSubmission.objects.exists()


def test_honeypot_submission_is_dropped(client, contact):
    response = client.post("/contact/", {**VALID, "contact_website": "http://spam.example"})
    assert response.status_code == 200
    assert not FormSubmission.objects.exists()
    assert mail.outbox == []


@override_settings(CONTACT_FORM_RATE="2/m")
def test_rate_limited_after_too_many_posts(client, contact, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        assert client.post("/contact/", VALID).status_code == 200
        assert client.post("/contact/", VALID).status_code == 200
    response = client.post("/contact/", VALID)
    assert response.status_code == 429
    assert "wait a minute" in response.content.decode()
    assert FormSubmission.objects.count() == 2
    assert len(mail.outbox) == 2


def test_smtp_down_still_thanks_the_visitor_and_keeps_the_message(
    client, contact, smtp, django_capture_on_commit_callbacks
):
    """Issue 11: the page answered 500 when the mail server was unreachable."""
    with django_capture_on_commit_callbacks(execute=True):  # the inline send is tried, and fails
        response = client.post("/contact/", VALID)
    assert response.status_code == 200
    assert "Thanks, we got it." in response.content.decode()
    assert FormSubmission.objects.filter(page=contact).count() == 1
