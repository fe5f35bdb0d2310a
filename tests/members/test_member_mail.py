"""Members' mail with the mail server down: invitations, password resets, decisions.

Issue 11: an invitation answered 500 and left an invitation nobody received.
Now every member mail is queued in the outbox and sent by the worker.
"""

import re

from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from cms.outbox.models import OutboundEmail
from members.models import Invitation
from tests.cms.factories import failed_email
from tests.directory.factories import company
from tests.worker import committed

from .factories import editor, member

Status = OutboundEmail.Status


def invite(client, company_page, email="colleague@acme.example"):
    return client.post(
        reverse("members:team", args=[company_page.pk]),
        {"email": email, "role": "editor"},
        follow=True,
    )


def test_with_smtp_down_an_owner_still_invites_and_the_email_waits_in_the_outbox(
    owner_client, acme, smtp, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):  # the inline send is tried, and fails
        response = invite(owner_client, acme)
    assert response.status_code == 200  # after the redirect to the team page
    assert "Invitation sent to colleague@acme.example" in response.content.decode()
    invitation = Invitation.objects.get()
    [email] = invitation.outbound_emails.all()
    assert (email.status, email.attempts, email.kind) == (Status.QUEUED, 1, "invitation")
    assert email.to == ["colleague@acme.example"]


def test_with_smtp_down_an_editor_still_invites_from_the_admin(
    client, acme, smtp, django_capture_on_commit_callbacks
):
    client.force_login(editor())
    url = reverse("members_admin:invite", args=[acme.pk])
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url, {"email": "founder@acme.example", "role": "owner"})
    assert response.status_code == 302
    assert Invitation.objects.get().outbound_emails.get().status == Status.QUEUED


def test_with_smtp_down_a_password_reset_is_queued_and_the_sweep_sends_it(
    client, owner, smtp, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("members:password_reset"), {"email": owner.email})
    assert response.status_code == 302
    assert response["Location"] == reverse("members:password_reset_done")
    [email] = OutboundEmail.objects.filter(kind="password_reset")
    assert email.status == Status.QUEUED and email.about == owner
    assert email.subject == "Choose a new password for Platform"
    assert "/members/password-reset/" in email.body  # the link, necessarily (pruned later)

    OutboundEmail.objects.update(next_attempt_at=timezone.now())
    smtp.up()
    call_command("send_outbox", verbosity=0)
    [message] = smtp.messages
    assert message["To"] == owner.email
    assert "/members/password-reset/" in message.get_payload(decode=True).decode()


@committed
def test_the_worker_delivers_the_invitation_once_smtp_is_back_and_the_link_works(
    client, smtp, task_worker
):
    acme = company("Acme Animation")
    client.force_login(member(acme, "owner@acme.example"))
    assert invite(client, acme).status_code == 200
    task_worker.run()
    email = Invitation.objects.get().outbound_emails.get()
    assert (email.status, email.attempts) == (Status.QUEUED, 1)

    smtp.up()
    task_worker.run(including_deferred=True)
    email.refresh_from_db()
    assert email.status == Status.SENT
    [message] = smtp.messages
    body = message.get_payload(decode=True).decode()
    link = re.search(r"https?://\S+(/members/invitations/\S+/)", body).group(1)
    client.logout()
    assert client.get(link).status_code == 200  # the link in the delivered mail works


def test_invitations_in_the_admin_show_their_email_state(admin_client, acme):
    invitation, _ = Invitation.create(email="late@example.com", company=acme, role="editor")
    email = failed_email(
        "Invited",
        to=["late@example.com"],
        error="SMTPRecipientsRefused: no such user",
        about=invitation,
    )
    html = admin_client.get(reverse("invitation:index")).content.decode()
    assert "late@example.com" in html
    assert "Failed after 8 attempts: SMTPRecipientsRefused: no such user" in html
    assert f"/admin/outbox/{email.pk}/send-again/" in html
