"""Emails members receive: invitations and editors' decisions on their changes."""

import logging

from django.conf import settings
from django.core.mail import send_mail
from django.template.loader import render_to_string
from django.urls import reverse

from wagtail.models import TaskState

from directory.models import CompanyPage

from .models import CompanyMembership

logger = logging.getLogger("directory.members")


def absolute(path: str) -> str:
    return settings.SITE_BASE_URL.rstrip("/") + path


def send_invitation(invitation, token, *, request=None):
    path = reverse("members:accept_invitation", args=[token])
    link = request.build_absolute_uri(path) if request is not None else absolute(path)
    context = {"invitation": invitation, "link": link, "company": invitation.company}
    send_mail(
        subject=f"You're invited to look after {invitation.company.title} on Platform",
        message=render_to_string("members/emails/invitation.txt", context),
        from_email=None,
        recipient_list=[invitation.email],
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
    try:
        send_mail(
            subject=f"Your changes to {page.title}: {verdict}",
            message=render_to_string("members/emails/decision.txt", context),
            from_email=None,
            recipient_list=[requester.email],
        )
    except Exception:  # a mail outage must not undo the editor's decision
        logger.exception("Could not email the decision on %s to %s", page.pk, requester.pk)
