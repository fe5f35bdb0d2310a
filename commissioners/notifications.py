"""Emails commissioners receive: the verification link and password resets (via the outbox)."""

from django.template.loader import render_to_string
from django.urls import reverse

from cms.outbox.mail import queue_mail
from members.notifications import absolute

from .verification import VERIFICATION_LIFETIME, make_token


def send_verification(commissioner, *, request=None):
    path = reverse("commissioners:verify_email", args=[make_token(commissioner)])
    link = request.build_absolute_uri(path) if request is not None else absolute(path)
    context = {
        "commissioner": commissioner,
        "link": link,
        "days": VERIFICATION_LIFETIME.days,
    }
    return queue_mail(
        "Confirm your email address for Platform",
        render_to_string("commissioners/emails/verify_email.txt", context),
        [commissioner.user.email],
        about=commissioner,
        kind="commissioner_verification",
    )
