"""One row per message the site sends: what to send, and how sending went."""

from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.utils import timezone


class OutboundEmailQuerySet(models.QuerySet):
    def about(self, obj):
        """Messages about ``obj`` (an enquiry, an invitation...), newest first."""
        return self.filter(
            content_type=ContentType.objects.get_for_model(obj), object_id=obj.pk
        ).order_by("-created_at", "-pk")


class OutboundEmail(models.Model):
    """A rendered message waiting to be sent, sent, or given up on.

    The message is stored as rendered (subject, bodies, addresses, headers),
    so templates render once, in the request, and the worker only sends.
    It may be about any row of a higher layer (an enquiry, an invitation, a
    form submission) through a generic relation: this bottom layer cannot
    name their models, and those models add a ``GenericRelation`` to list
    their messages without any column or migration of their own.

    Password-reset and invitation links are necessarily in the body, so sent
    messages are deleted after ``OUTBOX_RETENTION_DAYS`` by ``send_outbox``.
    """

    class Status(models.TextChoices):
        QUEUED = "queued", "Queued"
        SENDING = "sending", "Sending"
        SENT = "sent", "Sent"
        FAILED = "failed", "Failed"

    kind = models.CharField(max_length=40, blank=True, db_index=True)
    subject = models.CharField(max_length=998)
    body = models.TextField()
    html_body = models.TextField(blank=True)
    from_email = models.CharField(max_length=320)
    to = models.JSONField(default=list)
    cc = models.JSONField(default=list, blank=True)
    reply_to = models.JSONField(default=list, blank=True)
    headers = models.JSONField(default=dict, blank=True)

    status = models.CharField(max_length=10, choices=Status.choices, default=Status.QUEUED)
    attempts = models.PositiveSmallIntegerField(default=0)
    last_error = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    next_attempt_at = models.DateTimeField(default=timezone.now)
    claimed_at = models.DateTimeField(null=True, blank=True)
    sent_at = models.DateTimeField(null=True, blank=True)

    content_type = models.ForeignKey(
        ContentType, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    object_id = models.PositiveBigIntegerField(null=True, blank=True)
    about = GenericForeignKey("content_type", "object_id")

    objects = OutboundEmailQuerySet.as_manager()

    class Meta:
        verbose_name = "outbound email"
        ordering = ["-created_at", "-pk"]
        indexes = [
            models.Index(fields=["status", "next_attempt_at"], name="outbox_due"),
            models.Index(fields=["content_type", "object_id"], name="outbox_about"),
        ]

    def __str__(self):
        return f"{self.subject} → {', '.join(self.to)}"

    @property
    def state(self) -> str:
        """One line for editors: what happened to this message."""
        if self.status == self.Status.SENT and self.sent_at:
            return f"Sent {timezone.localtime(self.sent_at):%d %b %Y %H:%M}"
        if self.status == self.Status.FAILED:
            return f"Failed after {self.attempts} attempts: {self.last_error}"
        if self.attempts:
            return (
                f"Queued, {self.attempts} failed attempt{'s' if self.attempts != 1 else ''} "
                f"(next {timezone.localtime(self.next_attempt_at):%d %b %H:%M}): {self.last_error}"
            )
        return "Sending" if self.status == self.Status.SENDING else "Queued"
