"""Admin integration: "Invite a member" on company pages; memberships and invitations;
the stale profiles report."""

from django.urls import include, path, reverse

from wagtail import hooks
from wagtail.admin.menu import MenuItem
from wagtail.admin.viewsets.base import ViewSetGroup
from wagtail.admin.viewsets.model import ModelViewSet
from wagtail.admin.widgets import ListingButton

from cms.outbox.admin_views import outbox_column
from directory.models import CompanyPage

from . import admin_views, private_uploads
from .models import CompanyMembership, Invitation


@hooks.register("can_read_private_media")
def members_read_their_uploads(request, name):
    return private_uploads.may_read(request, name)


@hooks.register("register_admin_urls")
def register_invite_url():
    urls = [
        path("invite/<int:page_id>/", admin_views.invite_member, name="invite"),
        path("stale-profiles/", admin_views.StaleProfilesReport.as_view(), name="stale_profiles"),
        path(
            "stale-profiles/results/",
            admin_views.StaleProfilesReport.as_view(results_only=True),
            name="stale_profiles_results",
        ),
    ]
    return [path("members/", include((urls, "members_admin")))]


class StaleProfilesMenuItem(MenuItem):
    def is_shown(self, request):
        report = admin_views.StaleProfilesReport
        return report.permission_policy.user_has_any_permission(
            request.user, report.any_permission_required
        )


@hooks.register("register_reports_menu_item")
def register_stale_profiles_menu_item():
    return StaleProfilesMenuItem(
        "Stale profiles",
        reverse("members_admin:stale_profiles"),
        name="stale-profiles",
        icon_name="time",
        order=650,
    )


def _invite_button(page, user, priority):
    specific_class = page.specific_class
    if specific_class is not CompanyPage or not admin_views.can_invite(user, page):
        return []
    return [
        ListingButton(
            "Invite a member",
            reverse("members_admin:invite", args=[page.pk]),
            icon_name="mail",
            priority=priority,
        )
    ]


@hooks.register("register_page_header_buttons")
def invite_header_button(page, user, view_name, next_url=None):
    yield from _invite_button(page, user, priority=50)


@hooks.register("register_page_listing_more_buttons")
def invite_listing_button(page, user, next_url=None):
    yield from _invite_button(page, user, priority=50)


class MembershipViewSet(ModelViewSet):
    model = CompanyMembership
    icon = "group"
    menu_label = "Memberships"
    list_display = ["user", "company", "role", "created_at"]
    list_filter = ["role"]
    search_fields = ["user__email", "company__title"]
    form_fields = ["user", "company", "role"]
    add_to_admin_menu = False


class InvitationViewSet(ModelViewSet):
    model = Invitation
    icon = "mail"
    menu_label = "Invitations"
    list_display = ["email", "company", "role", "status", "expires_at", outbox_column()]
    search_fields = ["email", "company__title"]
    form_fields = ["revoked_at"]
    add_to_admin_menu = False
    inspect_view_enabled = True

    def get_queryset(self, request):
        return Invitation.objects.select_related("company").prefetch_related("outbound_emails")


class MembersViewSetGroup(ViewSetGroup):
    menu_label = "Members"
    menu_icon = "group"
    items = (MembershipViewSet, InvitationViewSet)


@hooks.register("register_admin_viewset")
def register_members_viewsets():
    return MembersViewSetGroup()
