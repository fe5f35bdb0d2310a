"""When a member company is free for new work: what members say, how long it holds, what matches.

A member says one of three things (:class:`Availability`): available now,
available from a date, or booked until a date, and confirms it with the
moment they said it (``CompanyPage.availability_confirmed_at``: set by every
save of the availability form and by the dashboard's "Still right"). Not
confirmed for :data:`CONFIRMATION_LIFETIME` (60 days), a statement is
*unconfirmed*: shown as such and matched by no ``available_by`` search.

Nothing here is stored or indexed ready-made: the label and the match are
worked out from the stored dates at the moment they are asked for, so
"available from 3 March" reads "available now" on 3 March, and a statement
becomes unconfirmed on its 61st day, with no save and no reindex. Both search
backends follow :func:`available_by_q` (the Elasticsearch backend's
``available_by_filter`` is the same rule in its query language); the
contract suite checks they agree.
"""

from __future__ import annotations

import datetime
from datetime import timedelta

from django.db import models
from django.utils import timezone
from django.utils.dateformat import format as format_date

CONFIRMATION_LIFETIME = timedelta(days=60)


class Availability(models.TextChoices):
    NOW = "now", "Available now"
    FROM = "from", "Available from a date"
    BOOKED = "booked", "Booked until a date"


# What the profile and the cards say ("" when the member has said nothing).
UNCONFIRMED = "Availability unconfirmed"
AVAILABLE_NOW = "Available now"


def confirmed_since(now: datetime.datetime | None = None) -> datetime.datetime:
    """The oldest confirmation that still holds at ``now``."""
    return (now or timezone.now()) - CONFIRMATION_LIFETIME


def is_confirmed(confirmed_at, now=None) -> bool:
    return confirmed_at is not None and confirmed_at >= confirmed_since(now)


def free_from(kind: str, day: datetime.date | None) -> datetime.date | None:
    """The first day the company is free for new work, as the member said it (None: unsaid).

    Booked until a day is free the day after; "now" is free on any day.
    """
    if kind == Availability.NOW:
        return datetime.date.min
    if day is None:
        return None
    if kind == Availability.FROM:
        return day
    if kind == Availability.BOOKED:
        return day + timedelta(days=1)
    return None


def matches(kind: str, day, confirmed_at, available_by: datetime.date, now=None) -> bool:
    """Whether a company with this statement is found by ``available_by`` (one company)."""
    start = free_from(kind, day)
    return start is not None and start <= available_by and is_confirmed(confirmed_at, now)


def available_by_q(available_by: datetime.date, now=None, prefix: str = "") -> models.Q:
    """:func:`matches` as a filter on ``CompanyPage`` (the database backend's)."""
    field = f"{prefix}availability"
    return models.Q(**{f"{prefix}availability_confirmed_at__gte": confirmed_since(now)}) & (
        models.Q(**{field: Availability.NOW})
        | models.Q(**{field: Availability.FROM, f"{field}_date__lte": available_by})
        | models.Q(**{field: Availability.BOOKED, f"{field}_date__lt": available_by})
    )


def availability_label(kind: str, day, confirmed_at, now=None) -> str:
    """ "Available now", "Available from 3 March 2027", "Booked until …", "Availability
    unconfirmed", or "" when the member has said nothing."""
    if not kind or (kind != Availability.NOW and day is None):
        return ""
    now = now or timezone.now()
    if not is_confirmed(confirmed_at, now):
        return UNCONFIRMED
    today = timezone.localdate(now)
    start = free_from(kind, day)
    if start is None or start <= today:
        return AVAILABLE_NOW
    if kind == Availability.FROM:
        return f"Available from {format_date(day, 'j F Y')}"
    return f"Booked until {format_date(day, 'j F Y')}"
