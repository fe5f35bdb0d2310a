"""Tell the member who submitted a change what the editor decided."""

from wagtail.signals import workflow_approved, workflow_rejected


def connect():
    workflow_approved.connect(_on_approved, dispatch_uid="members_workflow_approved")
    workflow_rejected.connect(_on_rejected, dispatch_uid="members_workflow_rejected")


def _on_approved(sender, instance, user=None, **kwargs):
    from .notifications import notify_decision

    notify_decision(instance, approved=True, editor=user)


def _on_rejected(sender, instance, user=None, **kwargs):
    from .notifications import notify_decision

    notify_decision(instance, approved=False, editor=user)
