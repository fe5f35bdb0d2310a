"""Mail that other code sends (Wagtail's notifications) goes into the outbox too, in production."""

from django.core import mail

import pytest

from cms.outbox.models import OutboundEmail
from cms.outbox.sending import delivery_connection

pytestmark = pytest.mark.django_db

OUTBOX = "cms.outbox.backend.OutboxEmailBackend"
LOCMEM = "django.core.mail.backends.locmem.EmailBackend"


@pytest.fixture
def production_mail(settings):
    settings.EMAIL_BACKEND = OUTBOX
    settings.OUTBOX_DELIVERY_BACKEND = LOCMEM


def test_wagtails_own_mail_is_stored_and_sent_by_the_worker_after_commit(
    production_mail, django_capture_on_commit_callbacks
):
    from wagtail.admin.mail import send_mail

    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        send_mail("A page awaits moderation", "Please review it.", ["moderator@example.com"])
    assert mail.outbox == []  # nothing sent in the request
    email = OutboundEmail.objects.get()
    assert (email.subject, email.to, email.kind) == (
        "A page awaits moderation",
        ["moderator@example.com"],
        "other",
    )
    for callback in callbacks:
        callback()
    assert [m.subject for m in mail.outbox] == ["A page awaits moderation"]
    email.refresh_from_db()
    assert email.status == OutboundEmail.Status.SENT


def test_bcc_recipients_get_copies_of_their_own(production_mail):
    message = mail.EmailMessage("Hi", "Body", to=["a@example.com"], bcc=["b@example.com"])
    assert message.send() == 2
    assert sorted(e.to for e in OutboundEmail.objects.all()) == [
        ["a@example.com"],
        ["b@example.com"],
    ]


def test_the_outbox_cannot_deliver_through_itself(settings):
    from django.core.exceptions import ImproperlyConfigured

    settings.EMAIL_BACKEND = OUTBOX
    settings.OUTBOX_DELIVERY_BACKEND = ""
    with pytest.raises(ImproperlyConfigured):
        delivery_connection()
