"""Who may look after which company, and the invitations that grant it.

A user can belong to several companies; each membership has a role. Owners
may invite and remove colleagues; editors may only edit the profile. Nobody
here gets Wagtail admin access: members work in ``/members/`` only.
"""

import hashlib
import secrets
from datetime import timedelta

from django.conf import settings
from django.contrib.contenttypes.fields import GenericRelation
from django.db import models
from django.utils import timezone

from wagtail.users.models import UserProfile

# How long an invitation link stays valid.
INVITATION_LIFETIME = timedelta(days=7)


class CompanyMembership(models.Model):
    class Role(models.TextChoices):
        OWNER = "owner", "Owner"
        EDITOR = "editor", "Editor"

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="company_memberships"
    )
    company = models.ForeignKey(
        "directory.CompanyPage", on_delete=models.CASCADE, related_name="memberships"
    )
    role = models.CharField(max_length=10, choices=Role.choices, default=Role.EDITOR)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["company__title", "user__email"]
        constraints = [
            models.UniqueConstraint(fields=["user", "company"], name="one_membership_per_company")
        ]

    def __str__(self):
        return f"{self.user.email} — {self.company.title} ({self.get_role_display()})"

    def save(self, *args, **kwargs):
        super().save(*args, **kwargs)
        if not self.user.has_perm("wagtailadmin.access_admin"):
            quiet_wagtail_notifications(self.user)

    @property
    def is_owner(self):
        return self.role == self.Role.OWNER


def quiet_wagtail_notifications(user):
    """Members get our plain decision emails, not Wagtail's, which link into the admin."""
    profile = UserProfile.get_for_user(user)
    profile.submitted_notifications = False
    profile.approved_notifications = False
    profile.rejected_notifications = False
    profile.updated_comments_notifications = False
    profile.save()


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


class InvitationQuerySet(models.QuerySet):
    def pending(self):
        return self.filter(
            accepted_at__isnull=True, revoked_at__isnull=True, expires_at__gt=timezone.now()
        )


class Invitation(models.Model):
    """A single-use, expiring link that lets a contact join a company.

    Only a SHA-256 hash of the token is stored: a database leak does not hand
    out working links. ``accepted_at`` makes it single use.
    """

    email = models.EmailField()
    company = models.ForeignKey(
        "directory.CompanyPage", on_delete=models.CASCADE, related_name="invitations"
    )
    role = models.CharField(
        max_length=10, choices=CompanyMembership.Role.choices, default=CompanyMembership.Role.OWNER
    )
    token_hash = models.CharField(max_length=64, unique=True, editable=False)
    invited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField()
    accepted_at = models.DateTimeField(null=True, blank=True)
    accepted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    revoked_at = models.DateTimeField(null=True, blank=True)
    outbound_emails = GenericRelation("outbox.OutboundEmail")  # its email's state, for editors

    objects = InvitationQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at"]

    def __str__(self):
        return f"{self.email} → {self.company.title}"

    @classmethod
    def create(cls, *, email, company, role, invited_by=None):
        """A new invitation and its raw token (shown once, in the email link)."""
        token = secrets.token_urlsafe(32)
        invitation = cls.objects.create(
            email=email.strip().lower(),
            company=company,
            role=role,
            invited_by=invited_by,
            token_hash=hash_token(token),
            expires_at=timezone.now() + INVITATION_LIFETIME,
        )
        return invitation, token

    @classmethod
    def from_token(cls, token: str):
        """The usable invitation for ``token``, or None (unknown, used, expired, revoked)."""
        if not token or len(token) > 100:
            return None
        return cls.objects.pending().filter(token_hash=hash_token(token)).first()

    @property
    def status(self):
        if self.accepted_at:
            return "accepted"
        if self.revoked_at:
            return "revoked"
        if self.expires_at <= timezone.now():
            return "expired"
        return "pending"


class PrivateUpload(models.Model):
    """A member's image that no editor has approved yet: private until they do.

    Its file has a private name (``cms.media``), readable only by the
    company's members and by editors. Approval (the page that uses it going
    live) sets ``approved_at``, and the worker then makes the file public and
    deletes this row; a private upload nothing pending or live uses any more
    is deleted by the worker (``members.private_uploads``).
    """

    image = models.OneToOneField(
        "wagtailimages.Image", on_delete=models.CASCADE, related_name="private_upload"
    )
    company = models.ForeignKey(
        "directory.CompanyPage", on_delete=models.CASCADE, related_name="private_uploads"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    approved_at = models.DateTimeField(null=True, blank=True)
    # Failed attempts at making it public (storage down): the retry's back-off.
    publish_attempts = models.PositiveSmallIntegerField(default=0)

    def __str__(self):
        state = "approved" if self.approved_at else "awaiting approval"
        return f"{self.image.title} ({self.company.title}, {state})"


class ProfileReminder(models.Model):
    """A "is your profile still accurate?" email sent to a company's people.

    Made by ``members.freshness.send_reminders`` (the daily
    ``send_profile_reminders`` command) for a listed company whose profile has
    not been updated or confirmed for six months, at most one a month. Its
    link is the row's id, signed (``members.freshness.reminder_link``): the
    signature refuses a tampered link, ``sent_at`` dates its expiry and
    ``confirmed_at`` makes it single use. The staleness report lists them.
    """

    company = models.ForeignKey(
        "directory.CompanyPage", on_delete=models.CASCADE, related_name="profile_reminders"
    )
    sent_at = models.DateTimeField(default=timezone.now, db_index=True)
    recipients = models.JSONField(default=list, help_text="The addresses it was sent to.")
    confirmed_at = models.DateTimeField(null=True, blank=True)
    outbound_emails = GenericRelation("outbox.OutboundEmail")  # its emails' state, for editors

    class Meta:
        ordering = ["-sent_at", "-pk"]

    def __str__(self):
        return f"{self.company.title}: reminded {self.sent_at:%Y-%m-%d}"
