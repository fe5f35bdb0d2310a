"""The outbox in the Wagtail admin: each message's state beside its subject, and "send again"."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.html import format_html, format_html_join
from django.utils.http import url_has_allowed_host_and_scheme

from wagtail.admin.ui.tables import Column

from .models import OutboundEmail
from .sending import send_again


def can_send_again(user, email: OutboundEmail) -> bool:
    """Whoever may change what the message is about (an enquiry...) may send it again."""
    if user.has_perm("outbox.change_outboundemail"):
        return True
    content_type = email.content_type
    return content_type is not None and user.has_perm(
        f"{content_type.app_label}.change_{content_type.model}"
    )


def _next_url(request, fallback: str) -> str:
    # The listing that linked here is the natural place to go back to.
    target = (
        request.POST.get("next") or request.GET.get("next") or request.META.get("HTTP_REFERER", "")
    )
    if url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return fallback


def send_again_view(request, email_id):
    """GET asks to confirm, POST queues the message for the worker again."""
    email = get_object_or_404(OutboundEmail, pk=email_id)
    if not can_send_again(request.user, email):
        raise PermissionDenied
    back = _next_url(request, reverse("wagtailadmin_home"))
    if request.method == "POST":
        if send_again(email):
            messages.success(request, f"“{email.subject}” is queued to be sent again.")
        else:
            messages.warning(request, f"“{email.subject}” is being sent right now.")
        return redirect(back)
    return TemplateResponse(request, "outbox/send_again.html", {"email": email, "next": back})


def state_html(emails) -> str:
    """Each message's state, newest first, each with a "send again" link."""
    emails = sorted(emails, key=lambda email: (email.created_at, email.pk), reverse=True)
    if not emails:
        return "No email"
    return format_html_join(
        format_html("<br>"),
        '{} · <a href="{}">Send again</a>',
        ((email.state, reverse("outbox_send_again", args=[email.pk])) for email in emails),
    )


def outbox_column(relation: str = "outbound_emails", label: str = "Email") -> Column:
    """A listing column for a model with a ``GenericRelation`` to ``OutboundEmail``.

    Prefetch ``relation`` in the listing's queryset: one query for the page.
    """
    return Column(
        relation, label=label, accessor=lambda obj: state_html(getattr(obj, relation).all())
    )
