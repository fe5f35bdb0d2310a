"""Profiles that stay current: reminders to confirm a profile is "still accurate".

A profile is stale when it has not been updated (published) or confirmed for
six months (``directory.models.STALE_AFTER``; ``CompanyPage.updated_at``).
Every day cron runs ``manage.py send_profile_reminders``, which calls
:func:`send_reminders`: each listed, stale company that had no reminder in
the last month gets a ``ProfileReminder`` and one email per recipient, queued
in the outbox (``cms.outbox``) and sent by the worker.

The email's "still accurate" link needs no sign-in: it is the reminder's id,
signed with the site's key (a changed id or signature is refused), valid for
``LINK_LIFETIME`` after sending and only until used. Opening it shows a page
with one button; only the POST confirms (:func:`confirm`), so a mail scanner
that follows links confirms nothing.
"""

from __future__ import annotations

from datetime import timedelta

from django.conf import settings
from django.core import signing
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone

from cms.outbox.mail import queue_mail
from directory.models import CompanyPage

from .models import CompanyMembership, ProfileReminder

# Never more than one reminder a month for a company.
REMINDER_INTERVAL = timedelta(days=30)
# How long a reminder's link works: until about when the next one may be sent.
LINK_LIFETIME = timedelta(days=30)
SALT = "members.freshness.still-accurate"

# Why a link does not work (``reminder_from_token``), for the page that says so.
INVALID, EXPIRED, USED = "invalid", "expired", "used"


def absolute(path: str) -> str:
    return settings.SITE_BASE_URL.rstrip("/") + path


def companies_due(now=None):
    """Listed, stale companies without a reminder in the last ``REMINDER_INTERVAL``,
    the longest unchanged first."""
    now = now or timezone.now()
    recent = ProfileReminder.objects.filter(sent_at__gt=now - REMINDER_INTERVAL)
    return (
        CompanyPage.objects.listed()
        .stale(now)
        .exclude(pk__in=recent.values("company_id"))
        .oldest_updated_first()
    )


def recipients(company) -> list[str]:
    """The company's members (owners and editors, as invitations make them), or, when it
    has none, its enquiry address."""
    emails = (
        CompanyMembership.objects.filter(company=company, user__is_active=True)
        .exclude(user__email="")
        .values_list("user__email", flat=True)
    )
    found = sorted({email.lower() for email in emails})
    if found:
        return found
    return [company.email] if company.email else []


def reminder_token(reminder) -> str:
    return signing.dumps(reminder.pk, salt=SALT)


def reminder_link(reminder) -> str:
    return absolute(reverse("members:still_accurate", args=[reminder_token(reminder)]))


def send_reminders(now=None) -> list[ProfileReminder]:
    """Remind every company that is due; returns the reminders made."""
    now = now or timezone.now()
    sent = []
    for company in companies_due(now):
        to = recipients(company)
        if not to:
            continue  # nobody to ask: the staleness report shows it to editors
        with transaction.atomic():  # the reminder and its emails, or neither
            reminder = ProfileReminder.objects.create(company=company, sent_at=now, recipients=to)
            context = {
                "company": company,
                "updated_at": company.updated_at,
                "link": reminder_link(reminder),
                "expires_at": now + LINK_LIFETIME,
                "edit_link": absolute(reverse("members:edit_profile", args=[company.pk])),
                "has_members": company.memberships.exists(),
            }
            body = render_to_string("members/emails/profile_reminder.txt", context)
            for address in to:
                queue_mail(
                    f"Is {company.title}'s profile still accurate?",
                    body,
                    [address],
                    about=reminder,
                    kind="profile_reminder",
                )
        sent.append(reminder)
    return sent


def reminder_from_token(token: str, now=None) -> tuple[ProfileReminder | None, str]:
    """The reminder a link names and ``""``, or (the reminder or None, why it does not work)."""
    try:
        pk = signing.loads(token[:200], salt=SALT)
    except signing.BadSignature:
        return None, INVALID
    if not isinstance(pk, int):
        return None, INVALID
    reminder = ProfileReminder.objects.select_related("company").filter(pk=pk).first()
    if reminder is None or not reminder.company.is_listed:
        return None, INVALID
    if reminder.confirmed_at is not None:
        return reminder, USED
    if reminder.sent_at + LINK_LIFETIME <= (now or timezone.now()):
        return reminder, EXPIRED
    return reminder, ""


def confirm(reminder, now=None) -> bool:
    """Mark the profile confirmed today, once; False if the link was used already.

    Saving the page's ``confirmed_at`` is a change like any other: the
    receivers forget the cached pages and re-index the company
    (``directory.search.sync.companies_changed``), so the new date shows in
    search, on the cards and in the ranking.
    """
    now = now or timezone.now()
    with transaction.atomic():
        # One UPDATE decides: two clicks at once confirm once.
        claimed = ProfileReminder.objects.filter(pk=reminder.pk, confirmed_at__isnull=True).update(
            confirmed_at=now
        )
        if not claimed:
            return False
        company = CompanyPage.objects.get(pk=reminder.company_id)
        company.confirmed_at = now
        company.save(update_fields=["confirmed_at"], clean=False)
    reminder.confirmed_at = now
    return True
