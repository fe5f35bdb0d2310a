"""The stored outbox: queued in the request, sent by the real worker, retried, given up, swept.

SMTP is replaced only at the network boundary (``smtp`` fixture, tests/smtp.py):
down is a closed port on 127.0.0.1, up is a small SMTP server there.
"""

import datetime

from django.contrib.auth.models import Permission
from django.core.management import call_command
from django.test import Client
from django.utils import timezone

from wagtail.contrib.forms.models import FormSubmission

import pytest

from cms.outbox import sending
from cms.outbox.mail import fold_header, queue_mail
from cms.outbox.models import OutboundEmail
from tests.cms import factories as f
from tests.worker import committed

Status = OutboundEmail.Status
VALID = {"your_name": "Ada Lovelace", "email": "ada@example.com", "message": "Hello there"}
TASK = "send_outbound_email"


def run_after_of_the_retry(task_worker):
    [retry] = task_worker.queued(TASK)
    return retry.run_after


@pytest.mark.parametrize(
    ("raw", "folded"),
    [
        ("Ada\nLovelace", "Ada Lovelace"),
        ("Ada\r\nBcc: victim@example.com", "Ada Bcc: victim@example.com"),
        ("tab\there\x00nul\x7fdel\u2028sep", "tab here nul del sep"),
        ("  plain  ", "plain"),
    ],
)
def test_control_characters_in_headers_are_folded_to_spaces(raw, folded):
    assert fold_header(raw) == folded


@committed
def test_contact_page_with_smtp_down_answers_normally_and_the_worker_sends_it_later(
    client, smtp, task_worker
):
    contact = f.contact_page(thank_you_text="<p>Thanks, we got it.</p>")
    response = client.post("/contact/", VALID)
    assert response.status_code == 200
    assert "Thanks, we got it." in response.content.decode()
    submission = FormSubmission.objects.get(page=contact)
    [email] = OutboundEmail.objects.all()
    assert (email.status, email.attempts, email.about) == (Status.QUEUED, 0, submission)
    assert email.reply_to == ["ada@example.com"] and email.headers["Auto-Submitted"]

    before = timezone.now()
    task_worker.run()  # the first attempt: refused
    email.refresh_from_db()
    assert (email.status, email.attempts) == (Status.QUEUED, 1)
    assert "Connection refused" in email.last_error or "ConnectionRefused" in email.last_error
    # Re-scheduled by the task itself, after the first back-off step (30 s).
    run_after = run_after_of_the_retry(task_worker)
    assert (
        before + datetime.timedelta(seconds=29)
        < run_after
        < timezone.now() + datetime.timedelta(seconds=31)
    )
    assert task_worker.run() == 0  # not due yet

    task_worker.run(including_deferred=True)  # second attempt, still down: 60 s
    email.refresh_from_db()
    assert (email.status, email.attempts) == (Status.QUEUED, 2)
    delay = run_after_of_the_retry(task_worker) - timezone.now()
    assert datetime.timedelta(seconds=55) < delay <= datetime.timedelta(seconds=60)

    smtp.up()
    task_worker.run(including_deferred=True)
    email.refresh_from_db()
    assert (email.status, email.attempts, email.last_error) == (Status.SENT, 3, "")
    assert email.sent_at is not None
    [message] = smtp.messages
    assert message["To"] == "team@platform.example"
    assert message["Subject"] == "Website enquiry"
    assert message["Reply-To"] == "ada@example.com"
    assert "Ada Lovelace" in message.get_payload(decode=True).decode()
    assert not task_worker.queued(TASK).exists()  # nothing left to do


@committed
def test_the_worker_gives_up_after_the_last_attempt(settings, smtp, task_worker):
    settings.OUTBOX_MAX_ATTEMPTS = 3
    email = queue_mail("Hello", "Body", ["a@example.com"])
    task_worker.run()
    task_worker.run(including_deferred=True)
    task_worker.run(including_deferred=True)
    email.refresh_from_db()
    assert (email.status, email.attempts) == (Status.FAILED, 3)
    assert email.state.startswith("Failed after 3 attempts: ")
    assert not task_worker.queued(TASK).exists()  # no retry after giving up
    smtp.up()
    call_command("send_outbox", verbosity=0)  # the sweep does not revive a failed message
    email.refresh_from_db()
    assert email.status == Status.FAILED and smtp.messages == []


@committed
def test_a_stale_duplicate_task_does_not_skip_the_back_off(smtp, task_worker):
    email = queue_mail("Hello", "Body", ["a@example.com"])
    sending.send_outbound_email.enqueue(email.pk, 0)  # e.g. enqueued twice
    task_worker.run()  # one attempt fails; the duplicate finds attempts moved on
    email.refresh_from_db()
    assert email.attempts == 1 and email.status == Status.QUEUED


@pytest.mark.django_db
def test_inline_backend_tries_once_and_the_sweep_sends_when_smtp_is_back(
    client, smtp, django_capture_on_commit_callbacks
):
    f.contact_page()
    with django_capture_on_commit_callbacks(execute=True):
        assert client.post("/contact/", VALID).status_code == 200
    email = OutboundEmail.objects.get()
    assert (email.status, email.attempts) == (Status.QUEUED, 1)  # tried inline, refused
    OutboundEmail.objects.update(next_attempt_at=timezone.now())  # its back-off has passed
    smtp.up()
    call_command("send_outbox", verbosity=0)
    email.refresh_from_db()
    assert email.status == Status.SENT and len(smtp.messages) == 1


@committed
def test_the_sweep_sends_lost_and_stuck_messages_and_prunes_old_sent_ones(
    settings, smtp, task_worker, capsys
):
    settings.OUTBOX_RETENTION_DAYS = 30
    now = timezone.now()
    ago = datetime.timedelta
    lost = f.outbound_email("Lost")
    # Its worker died mid-send an hour ago; another is sending right now.
    stuck = f.outbound_email("Stuck", status=Status.SENDING, claimed_at=now - ago(hours=1))
    busy = f.outbound_email("Busy", status=Status.SENDING, claimed_at=now)
    later = f.outbound_email("Later", next_attempt_at=now + ago(hours=1))
    old = f.outbound_email("Old", status=Status.SENT, sent_at=now - ago(days=31))
    recent = f.outbound_email("Recent", status=Status.SENT, sent_at=now - ago(days=29))
    smtp.up()
    call_command("send_outbox")
    assert "2 sent" in capsys.readouterr().out
    assert sorted(m["Subject"] for m in smtp.messages) == ["Lost", "Stuck"]
    statuses = dict(OutboundEmail.objects.values_list("pk", "status"))
    assert statuses[lost.pk] == statuses[stuck.pk] == Status.SENT
    assert statuses[busy.pk] == Status.SENDING and statuses[later.pk] == Status.QUEUED
    assert old.pk not in statuses and statuses[recent.pk] == Status.SENT


@pytest.fixture
def failed_contact_email(db):
    contact = f.contact_page()
    submission = FormSubmission.objects.create(page=contact, form_data={})
    return f.failed_email(
        "Website enquiry",
        to=["team@platform.example"],
        error="SMTPServerDisconnected: gone",
        about=submission,
    )


def send_again_url(email):
    return f"/admin/outbox/{email.pk}/send-again/"


@committed
def test_send_again_asks_first_then_the_worker_sends_it(
    admin_user, failed_contact_email, smtp, task_worker
):
    client = Client(enforce_csrf_checks=True)
    client.force_login(admin_user)
    url = send_again_url(failed_contact_email)
    page = client.get(url, HTTP_REFERER="/admin/forms/")
    assert page.status_code == 200
    html = page.content.decode()
    assert "Failed after 8 attempts: SMTPServerDisconnected: gone" in html
    assert 'name="csrfmiddlewaretoken"' in html
    assert task_worker.queued(TASK).count() == 0  # a GET changes nothing

    assert client.post(url).status_code == 403  # no CSRF token
    token = client.cookies["csrftoken"].value
    response = client.post(url, {"csrfmiddlewaretoken": token, "next": "/admin/forms/"})
    assert response.status_code == 302 and response["Location"] == "/admin/forms/"
    failed_contact_email.refresh_from_db()
    assert (failed_contact_email.status, failed_contact_email.attempts) == (Status.QUEUED, 0)

    smtp.up()
    task_worker.run()
    failed_contact_email.refresh_from_db()
    assert failed_contact_email.status == Status.SENT
    assert [m["Subject"] for m in smtp.messages] == ["Website enquiry"]


@pytest.mark.django_db
def test_send_again_needs_permission_on_what_the_message_is_about(
    client, django_user_model, failed_contact_email
):
    user = django_user_model.objects.create_user("viewer", "v@example.com", "pw-Viewer-1")
    user.user_permissions.add(Permission.objects.get(codename="access_admin"))
    client.force_login(user)
    url = send_again_url(failed_contact_email)
    for response in (client.get(url), client.post(url)):
        # Wagtail's answer to PermissionDenied in the admin: back to the dashboard, with a message.
        assert response.status_code == 302 and response["Location"] == "/admin/"
    failed_contact_email.refresh_from_db()
    assert failed_contact_email.status == Status.FAILED

    user.user_permissions.add(Permission.objects.get(codename="change_formsubmission"))
    user = django_user_model.objects.get(pk=user.pk)  # drop the permission cache
    client.force_login(user)
    response = client.post(url, {"next": "https://evil.example/"})
    assert response.status_code == 302 and response["Location"] == "/admin/"  # never off-site
    failed_contact_email.refresh_from_db()
    assert failed_contact_email.status == Status.QUEUED


@pytest.mark.django_db
def test_send_again_of_a_missing_message_is_404(admin_client):
    assert admin_client.get("/admin/outbox/999999/send-again/").status_code == 404


@pytest.mark.django_db
def test_the_outbox_listing_is_read_only_for_superusers_and_never_shows_bodies(
    admin_client, client, django_user_model
):
    from django.contrib.auth.models import Group

    email = f.outbound_email(
        "Choose a new password for Platform",
        body="https://platform.example/members/password-reset/SECRET-LINK/",
        to=["member@example.com"],
        kind="password_reset",
        status=Status.FAILED,
        attempts=12,
        last_error="SMTPAuthenticationError: 535",
    )
    html = admin_client.get("/admin/outbox/").content.decode()
    assert "Choose a new password for Platform" in html and "member@example.com" in html
    assert "Failed after 12 attempts: SMTPAuthenticationError: 535" in html
    assert send_again_url(email) in html
    assert "SECRET-LINK" not in html and "/admin/outbox/new/" not in html
    inspect = admin_client.get(f"/admin/outbox/inspect/{email.pk}/")
    assert inspect.status_code == 200 and "SECRET-LINK" not in inspect.content.decode()
    assert admin_client.get(f"/admin/outbox/edit/{email.pk}/").status_code == 404

    editor = django_user_model.objects.create_user("ed", "ed@example.com", "pw-Editor-1")
    editor.groups.add(Group.objects.get(name="Editors"))
    client.force_login(editor)
    assert client.get("/admin/outbox/").status_code == 302  # Wagtail's "permission denied"
    assert client.get(f"/admin/outbox/inspect/{email.pk}/").status_code == 302
