"""Putting a message in the outbox: the only way the site sends mail."""

from __future__ import annotations

import re

from django.conf import settings

from cms import background

from .models import OutboundEmail
from .sending import send_outbound_email

# Line breaks (and every other control character, and the Unicode line and
# paragraph separators) in a header would let a visitor add headers of their
# own; Django refuses such a message outright. A visitor's name in a subject
# is folded to spaces instead, so the message still goes.
_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f\u2028\u2029]")


def fold_header(value) -> str:
    """``value`` safe for one header line: control characters become spaces."""
    return " ".join(_CONTROL.sub(" ", str(value)).split())


def queue_mail(
    subject,
    body: str,
    to,
    *,
    from_email: str | None = None,
    reply_to=(),
    cc=(),
    html_body: str = "",
    headers: dict | None = None,
    about=None,
    kind: str = "",
) -> OutboundEmail:
    """Store a message and have the worker send it once this transaction commits.

    Never raises for a mail problem: nothing here talks to the mail server.
    ``about`` is the row the message concerns (shown beside it in the admin).
    """
    email = OutboundEmail.objects.create(
        kind=kind,
        subject=fold_header(subject),
        body=body,
        html_body=html_body or "",
        from_email=fold_header(from_email or settings.DEFAULT_FROM_EMAIL),
        to=[fold_header(address) for address in to if address],
        cc=[fold_header(address) for address in cc if address],
        reply_to=[fold_header(address) for address in reply_to if address],
        headers={fold_header(k): fold_header(v) for k, v in (headers or {}).items()},
        about=about,
    )
    background.enqueue_on_commit(send_outbound_email, email.pk, 0)
    return email
