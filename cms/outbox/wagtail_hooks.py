"""The outbox in the admin: a read-only listing for superusers, and the "send again" view.

Editors see the messages of enquiries and invitations beside them (those
listings add ``outbox_column``); this listing shows every message, contact
form and password-reset mails included, to whoever has the outbox's own view
permission (superusers; no group is granted it, since reset links are in the
bodies, which it never shows).
"""

from django.urls import path

from wagtail import hooks
from wagtail.admin.ui.tables import Column
from wagtail.admin.viewsets.model import ModelViewSet
from wagtail.permissions import register_permission_policy

from cms.permissions import WrittenBySitePolicy

from . import admin_views
from .models import OutboundEmail


@hooks.register("register_admin_urls")
def register_send_again_url():
    return [
        path(
            "outbox/<int:email_id>/send-again/",
            admin_views.send_again_view,
            name="outbox_send_again",
        )
    ]


class OutboxPermissionPolicy(WrittenBySitePolicy):
    """Nobody adds, edits or deletes messages by hand; "send again" has its own view."""

    denied_actions = frozenset({"add", "change", "delete"})


class OutboxViewSet(ModelViewSet):
    model = OutboundEmail
    icon = "mail"
    menu_label = "Outbox"
    add_to_settings_menu = True
    list_display = [
        "subject",
        Column("to", label="To", accessor=lambda email: ", ".join(email.to)),
        "kind",
        Column("state", label="State", accessor=lambda email: admin_views.state_html([email])),
        Column("created_at", label="Queued", sort_key="created_at"),
    ]
    list_filter = ["status", "kind"]
    search_fields = ["subject"]
    search_backend_name = None  # not in Wagtail's search index: plain icontains
    ordering = ["-created_at"]
    inspect_view_enabled = True
    inspect_view_fields = [
        "subject",
        "to",
        "reply_to",
        "from_email",
        "kind",
        "status",
        "attempts",
        "last_error",
        "created_at",
        "next_attempt_at",
        "sent_at",
    ]
    form_fields = []

    def get_urlpatterns(self):
        read_only = {"add", "edit", "delete"}  # the policy hides them; no URL for them either
        return [url for url in super().get_urlpatterns() if url.name not in read_only]


register_permission_policy(OutboundEmail, OutboxPermissionPolicy(OutboundEmail))


@hooks.register("register_admin_viewset")
def register_outbox_viewset():
    return OutboxViewSet("outbox")
