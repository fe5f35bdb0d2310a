"""Emails members receive: invitations, password resets, editors' decisions on their changes.

All go through the stored outbox (``cms.outbox``): rendered here, sent by the
worker after the commit, retried while the mail server is down.
"""

from django.conf import settings
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse

from wagtail.models import TaskState

from cms.outbox.mail import queue_mail
from directory.models import CompanyPage

from .forms import MemberPasswordResetForm
from .models import CompanyMembership, Invitation


def absolute(path: str) -> str:
    return settings.SITE_BASE_URL.rstrip("/") + path


def invite(*, email, company, role, invited_by, request=None):
    """A new invitation and its email, stored together; the worker sends the email."""
    with transaction.atomic():
        invitation, token = Invitation.create(
            email=email, company=company, role=role, invited_by=invited_by
        )
        send_invitation(invitation, token, request=request)
    return invitation


def send_invitation(invitation, token, *, request=None):
    path = reverse("members:accept_invitation", args=[token])
    link = request.build_absolute_uri(path) if request is not None else absolute(path)
    context = {"invitation": invitation, "link": link, "company": invitation.company}
    return queue_mail(
        f"You're invited to look after {invitation.company.title} on Platform",
        render_to_string("members/emails/invitation.txt", context),
        [invitation.email],
        about=invitation,
        kind="invitation",
    )


class QueuedPasswordResetForm(MemberPasswordResetForm):
    """The members' password reset, its email queued in the outbox instead of sent inline."""

    def send_mail(
        self,
        subject_template_name,
        email_template_name,
        context,
        from_email,
        to_email,
        html_email_template_name=None,
    ):
        subject = "".join(render_to_string(subject_template_name, context).splitlines())
        html = (
            render_to_string(html_email_template_name, context) if html_email_template_name else ""
        )
        queue_mail(
            subject,
            render_to_string(email_template_name, context),
            [to_email],
            from_email=from_email,
            html_body=html,
            about=context.get("user"),
            kind="password_reset",
        )


def decision_comment(workflow_state) -> str:
    """The editor's comment on the task that decided ``workflow_state``."""
    task_state = (
        TaskState.objects.filter(workflow_state=workflow_state, finished_at__isnull=False)
        .order_by("-finished_at", "-id")
        .first()
    )
    return task_state.comment if task_state else ""


def notify_decision(workflow_state, *, approved, editor=None):
    """Email the member who asked for a change; other submissions are Wagtail's business."""
    page = workflow_state.content_object
    if not isinstance(page, CompanyPage):
        page = getattr(page, "specific", page)
        if not isinstance(page, CompanyPage):
            return
    requester = workflow_state.requested_by
    if requester is None or not requester.email:
        return
    if not CompanyMembership.objects.filter(user=requester, company=page).exists():
        return
    context = {
        "company": page,
        "approved": approved,
        "comment": decision_comment(workflow_state),
        "dashboard": absolute(reverse("members:dashboard", args=[page.pk])),
        "public_url": page.full_url if approved else "",
    }
    verdict = "approved" if approved else "needs changes"
    # Queued, not sent: a mail outage cannot undo or fail the editor's decision.
    queue_mail(
        f"Your changes to {page.title}: {verdict}",
        render_to_string("members/emails/decision.txt", context),
        [requester.email],
        about=workflow_state,
        kind="decision",
    )
