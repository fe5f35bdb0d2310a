"""An email backend that puts every message in the outbox, for mail we do not send ourselves.

Our own code queues mail with ``queue_mail``. Wagtail (moderation
notifications), Django (error mail to admins) and any other library call
Django's mail API directly, which would talk to the SMTP server inside the
request. With ``EMAIL_BACKEND`` set to this backend (production), their
messages are stored too and the worker sends them through
``OUTBOX_DELIVERY_BACKEND``, the real one.
"""

from __future__ import annotations

import logging

from django.core.mail.backends.base import BaseEmailBackend

from .mail import queue_mail

logger = logging.getLogger(__name__)


class OutboxEmailBackend(BaseEmailBackend):
    def send_messages(self, email_messages) -> int:
        queued = 0
        for message in email_messages:
            if message.attachments:
                logger.warning("Attachments are not kept in the outbox: %r", message.subject)
            html = next(
                (
                    body
                    for body, kind in getattr(message, "alternatives", [])
                    if kind == "text/html"
                ),
                "",
            )
            # Bcc recipients get copies of their own, so nobody sees who else had one.
            for to in ([message.to] if message.to or message.cc else []) + [
                [address] for address in message.bcc
            ]:
                queue_mail(
                    message.subject,
                    message.body,
                    to,
                    from_email=message.from_email,
                    reply_to=message.reply_to,
                    cc=message.cc if to is message.to else (),
                    html_body=html,
                    headers=dict(message.extra_headers),
                    kind="other",
                )
                queued += 1
        return queued
