"""Sending what the outbox holds: one attempt per task, back-off between attempts.

A row is *claimed* by a single conditional UPDATE, so the worker, a duplicate
task and the sweep never send the same message at once. A task carries the
number of attempts the row had when it was scheduled: a stale duplicate (the
sweep already tried, or an editor sent it again) finds another number and does
nothing, so retries keep their back-off. The sweep instead takes what is due by
``next_attempt_at``. A worker that dies mid-send leaves the row "sending";
after ``LEASE`` the sweep claims it again: delivery is at least once.
"""

from __future__ import annotations

import datetime
import logging

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.core.mail import EmailMultiAlternatives, get_connection
from django.db.models import Q
from django.utils import timezone

from django_tasks import task

from cms import background

from .models import OutboundEmail

logger = logging.getLogger(__name__)

LEASE = datetime.timedelta(minutes=10)
Status = OutboundEmail.Status


def due(now=None):
    """Rows whose time has come, and rows a dead sender left behind."""
    now = now or timezone.now()
    return OutboundEmail.objects.filter(
        Q(status=Status.QUEUED, next_attempt_at__lte=now)
        | Q(status=Status.SENDING, claimed_at__lt=now - LEASE)
    )


def claim(email_id: int, expected_attempts: int | None = None) -> OutboundEmail | None:
    now = timezone.now()
    if expected_attempts is None:
        rows = due(now)
    else:
        rows = OutboundEmail.objects.filter(
            Q(status=Status.QUEUED, attempts=expected_attempts)
            | Q(status=Status.SENDING, claimed_at__lt=now - LEASE)
        )
    if not rows.filter(pk=email_id).update(status=Status.SENDING, claimed_at=now):
        return None  # sent, given up, not due yet, or another sender has it
    return OutboundEmail.objects.get(pk=email_id)


OUTBOX_BACKEND = "cms.outbox.backend.OutboxEmailBackend"


def delivery_connection():
    """The backend that really sends: ``OUTBOX_DELIVERY_BACKEND``, else ``EMAIL_BACKEND``.

    (When ``EMAIL_BACKEND`` is the outbox itself, production, the delivery
    backend must be named, or every message would go round in circles.)
    """
    path = getattr(settings, "OUTBOX_DELIVERY_BACKEND", "") or settings.EMAIL_BACKEND
    if path == OUTBOX_BACKEND:
        raise ImproperlyConfigured("Set OUTBOX_DELIVERY_BACKEND to the backend that sends mail.")
    return get_connection(path, fail_silently=False)


def as_message(email: OutboundEmail) -> EmailMultiAlternatives:
    message = EmailMultiAlternatives(
        subject=email.subject,
        body=email.body,
        from_email=email.from_email,
        to=email.to,
        cc=email.cc,
        reply_to=email.reply_to,
        headers=email.headers,
    )
    if email.html_body:
        message.attach_alternative(email.html_body, "text/html")
    return message


def attempt(email_id: int, expected_attempts: int | None = None) -> str:
    """Try to send one message now, if it is still ours to try. Returns its status after."""
    email = claim(email_id, expected_attempts)
    if email is None:
        return "skipped"
    try:
        with delivery_connection() as connection:
            connection.send_messages([as_message(email)])
    except Exception as error:  # SMTP down, refused, timed out: the row keeps it
        return _failed(email, error)
    OutboundEmail.objects.filter(pk=email.pk).update(
        status=Status.SENT, sent_at=timezone.now(), attempts=email.attempts + 1, last_error=""
    )
    return Status.SENT


def _failed(email: OutboundEmail, error: Exception) -> str:
    attempts = email.attempts + 1
    message = f"{type(error).__name__}: {error}"[:1000]
    if attempts >= settings.OUTBOX_MAX_ATTEMPTS:
        logger.error(
            "Gave up on outbound email %s after %s attempts: %s", email.pk, attempts, message
        )
        status, next_at, delay = Status.FAILED, email.next_attempt_at, None
    else:
        delay = background.backoff_seconds(attempts)
        logger.warning("Outbound email %s not sent (attempt %s): %s", email.pk, attempts, message)
        status, next_at = Status.QUEUED, timezone.now() + datetime.timedelta(seconds=delay)
    OutboundEmail.objects.filter(pk=email.pk).update(
        status=status, attempts=attempts, last_error=message, next_attempt_at=next_at
    )
    if delay is not None:
        # False on the inline backend: the row stays queued and due later,
        # and the send_outbox sweep picks it up.
        background.retry_later(send_outbound_email, delay, email.pk, attempts)
    return status


@task()
def send_outbound_email(email_id: int, expected_attempts: int = 0) -> str:
    return attempt(email_id, expected_attempts)


def send_again(email: OutboundEmail) -> bool:
    """An editor's "send again": a fresh round of attempts, by the worker. False if mid-send."""
    updated = (
        OutboundEmail.objects.filter(pk=email.pk)
        .exclude(status=Status.SENDING, claimed_at__gte=timezone.now() - LEASE)
        .update(status=Status.QUEUED, attempts=0, next_attempt_at=timezone.now(), sent_at=None)
    )
    if updated:
        background.enqueue_on_commit(send_outbound_email, email.pk, 0)
    return bool(updated)


def prune(now=None) -> int:
    """Delete sent messages older than the retention period (their bodies may hold links)."""
    now = now or timezone.now()
    cutoff = now - datetime.timedelta(days=settings.OUTBOX_RETENTION_DAYS)
    deleted, _ = OutboundEmail.objects.filter(status=Status.SENT, sent_at__lt=cutoff).delete()
    return deleted
