"""Commissioners (broadcasters, agencies, producers, brands) and their shortlists.

A commissioner is a user with a :class:`Commissioner` profile. The profile is
made at sign-up; the user joins the ``Commissioners`` group (made by a data
migration) only once they have confirmed their email address, so "an active
user in that group" means "a signed-in commissioner with a verified email"
wherever it is asked (``is_commissioner``: the rule of ``directory.contact_privacy``).
The same user may also look after member companies (``members``): the two
roles do not exclude each other.
"""

import secrets

from django.conf import settings
from django.contrib.auth.models import Group
from django.db import models
from django.utils import timezone

from wagtail.admin.panels import FieldPanel

from directory import contact_privacy
from directory.contact_privacy import COMMISSIONERS_GROUP

GROUP_NAME = COMMISSIONERS_GROUP  # made by directory's 0009 and this app's 0002 alike
DEFAULT_LIST_NAME = "My shortlist"
# The one rule, shared with contact privacy: an active, signed-in user in the group.
is_commissioner = contact_privacy.is_commissioner


def commissioners_group() -> Group:
    group, _ = Group.objects.get_or_create(name=GROUP_NAME)
    return group


class Commissioner(models.Model):
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="commissioner"
    )
    organisation = models.CharField(max_length=160)
    role = models.CharField(max_length=120, help_text="Their job title or role.")
    email_verified_at = models.DateTimeField(null=True, blank=True, editable=False)
    verified_by_editor = models.BooleanField(
        default=False,
        help_text="The cluster team knows this person and their organisation.",
    )
    created_at = models.DateTimeField(auto_now_add=True)

    panels = [
        FieldPanel("organisation"),
        FieldPanel("role"),
        FieldPanel("verified_by_editor"),
    ]

    class Meta:
        ordering = ["-created_at"]

    def __str__(self):
        name = self.user.get_full_name() or self.user.email
        return f"{name} ({self.organisation})"

    @property
    def email(self):
        return self.user.email

    @property
    def email_verified(self) -> bool:
        return self.email_verified_at is not None

    def verify_email(self):
        """Confirm the address: the account opens and joins the Commissioners group."""
        self.email_verified_at = timezone.now()
        self.save(update_fields=["email_verified_at"])
        user = self.user
        if not user.is_active:
            user.is_active = True
            user.save(update_fields=["is_active"])
        user.groups.add(commissioners_group())


def new_share_token() -> str:
    return secrets.token_urlsafe(24)


class ShortlistQuerySet(models.QuerySet):
    def of(self, user):
        return self.filter(owner=user)


class Shortlist(models.Model):
    """A commissioner's named list of companies; one of them is their default."""

    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="shortlists"
    )
    name = models.CharField(max_length=120)
    is_default = models.BooleanField(default=False)
    # A read-only link's token (None: not shared). Revoking clears it; sharing
    # again makes a new one, so an old link never comes back to life.
    share_token = models.CharField(max_length=64, unique=True, null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = ShortlistQuerySet.as_manager()

    class Meta:
        ordering = ["-is_default", "name", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["owner"],
                condition=models.Q(is_default=True),
                name="one_default_shortlist_per_owner",
            )
        ]

    def __str__(self):
        return self.name

    @classmethod
    def default_for(cls, user) -> "Shortlist":
        shortlist = cls.objects.filter(owner=user, is_default=True).first()
        if shortlist is None:
            shortlist, _ = cls.objects.get_or_create(
                owner=user, is_default=True, defaults={"name": DEFAULT_LIST_NAME}
            )
        return shortlist

    def share(self) -> str:
        if not self.share_token:
            self.share_token = new_share_token()
            self.save(update_fields=["share_token", "updated_at"])
        return self.share_token

    def revoke_share(self):
        self.share_token = None
        self.save(update_fields=["share_token", "updated_at"])

    def add(self, company) -> bool:
        _, created = ShortlistEntry.objects.get_or_create(shortlist=self, company=company)
        return created

    def remove(self, company_id) -> bool:
        deleted, _ = self.entries.filter(company_id=company_id).delete()
        return bool(deleted)


class ShortlistEntry(models.Model):
    shortlist = models.ForeignKey(Shortlist, on_delete=models.CASCADE, related_name="entries")
    company = models.ForeignKey(
        "directory.CompanyPage", on_delete=models.CASCADE, related_name="shortlist_entries"
    )
    # Private to the list's owner: never on the shared page, the API of others or a brief.
    note = models.TextField(max_length=2000, blank=True)
    added_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["added_at", "pk"]
        verbose_name_plural = "shortlist entries"
        constraints = [
            models.UniqueConstraint(
                fields=["shortlist", "company"], name="one_entry_per_company_per_list"
            )
        ]

    def __str__(self):
        return f"{self.company.title} in {self.shortlist.name}"


class SavedSearchQuerySet(models.QuerySet):
    def of(self, user):
        return self.filter(owner=user)


class SavedSearch(models.Model):
    """A commissioner's directory search, kept with every filter, and how often to email them.

    ``query_string`` is the search's normalised GET parameters
    (``directory.search.query.query_to_params``, without the page), so a filter
    added to the directory later is kept and replayed without a change here.
    """

    class Frequency(models.TextChoices):
        DAILY = "daily", "Daily email"
        WEEKLY = "weekly", "Weekly email"
        NEVER = "never", "No email"

    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="saved_searches"
    )
    name = models.CharField(max_length=120)
    query_string = models.CharField(max_length=2000, blank=True)
    frequency = models.CharField(max_length=10, choices=Frequency.choices, default=Frequency.WEEKLY)
    # The last run of the alert (the first one only records a baseline); None: never run.
    last_run_at = models.DateTimeField(null=True, blank=True, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = SavedSearchQuerySet.as_manager()

    class Meta:
        ordering = ["name", "pk"]
        verbose_name_plural = "saved searches"

    def __str__(self):
        return self.name

    @property
    def alerts_on(self) -> bool:
        return self.frequency != self.Frequency.NEVER


class SearchAlertSent(models.Model):
    """A company a saved search has already told its owner about (or found at its baseline).

    Written in the same transaction as the alert's outbox email, and unique per
    search and company: a worker that restarts mid-run never mails a company twice.
    """

    saved_search = models.ForeignKey(SavedSearch, on_delete=models.CASCADE, related_name="alerted")
    company = models.ForeignKey(
        "directory.CompanyPage", on_delete=models.CASCADE, related_name="search_alerts"
    )
    baseline = models.BooleanField(
        default=False, help_text="Matched when the search was first run: recorded, not mailed."
    )
    sent_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["sent_at", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["saved_search", "company"], name="one_alert_per_company_per_search"
            )
        ]

    def __str__(self):
        return f"{self.company_id} for {self.saved_search_id}"
