"""What members' work needs when editors act: decision emails, and their private uploads."""

from wagtail.signals import page_published, workflow_approved, workflow_cancelled, workflow_rejected

from . import private_uploads
from .notifications import notify_decision


def connect():
    workflow_approved.connect(_on_approved, dispatch_uid="members_workflow_approved")
    workflow_rejected.connect(_on_rejected, dispatch_uid="members_workflow_rejected")
    workflow_cancelled.connect(_on_cancelled, dispatch_uid="members_workflow_cancelled")
    page_published.connect(_on_published, dispatch_uid="members_page_published")


def _on_approved(sender, instance, user=None, **kwargs):
    notify_decision(instance, approved=True, editor=user)


def _on_rejected(sender, instance, user=None, **kwargs):
    notify_decision(instance, approved=False, editor=user)


def _on_cancelled(sender, instance, user=None, **kwargs):
    # A withdrawn change's uploads are nobody's any more (unless a draft keeps them).
    private_uploads.schedule_discard()


def _on_published(sender, instance, revision=None, **kwargs):
    if revision is not None and private_uploads.approve_uploads_of(revision):
        # What the member replaced during the change is not needed any more.
        private_uploads.schedule_discard()
