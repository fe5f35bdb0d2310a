"""The directory in the admin: one "Directory" menu group for taxonomies, gazetteer and enquiries.

Skills, sectors and places are snippets editors may add to (the shipped ones
come from ``directory/data`` through the data migration). Enquiries are
commissioners' messages: editors read and filter them here, never write them.
"""

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse

from wagtail import hooks
from wagtail.admin.filters import WagtailFilterSet
from wagtail.admin.ui.tables import Column
from wagtail.admin.widgets import ListingButton
from wagtail.permissions import register_permission_policy
from wagtail.snippets.models import register_snippet
from wagtail.snippets.views.snippets import SnippetViewSet, SnippetViewSetGroup

import django_filters

from cms.outbox.admin_views import outbox_column
from cms.outbox.models import OutboundEmail
from cms.page_cache import first_live
from cms.permissions import WrittenBySitePolicy

from .forms import ProductionMergeForm
from .models import (
    DirectoryIndexPage,
    Enquiry,
    Place,
    PostcodeDistrict,
    Production,
    Sector,
    Skill,
    SkillGroup,
    featured_members,
)


@hooks.register("construct_home_page_context")
def home_page_directory(request, home, context):
    """The home page's search box targets the directory page; its featured members."""
    context["directory_page"] = first_live(DirectoryIndexPage)
    context["featured_members"] = featured_members(home)


class DirectorySnippetViewSet(SnippetViewSet):
    """Admin search runs on the database (``icontains`` over ``search_fields``).

    Terms loaded by the data migration never pass through Wagtail's search
    index (migrations use historical models, which send no indexing signals), so
    searching the index would miss every shipped skill and place.
    """

    search_backend_name = None


class SkillViewSet(DirectorySnippetViewSet):
    model = Skill
    icon = "tag"
    menu_label = "Skills"
    list_display = ["name", "group", "slug"]
    list_filter = ["group"]
    search_fields = ["name", "slug", "description"]
    ordering = ["group__sort_order", "group__name", "sort_order", "name"]
    list_per_page = 100


class SkillGroupViewSet(DirectorySnippetViewSet):
    model = SkillGroup
    icon = "folder-open-inverse"
    menu_label = "Skill groups"
    list_display = ["name", "slug", "sort_order"]
    search_fields = ["name"]
    ordering = ["sort_order", "name"]


class SectorViewSet(DirectorySnippetViewSet):
    model = Sector
    icon = "tag"
    menu_label = "Sectors"
    list_display = ["name", "slug", "sort_order"]
    search_fields = ["name", "slug"]
    ordering = ["sort_order", "name"]


class PlaceViewSet(DirectorySnippetViewSet):
    model = Place
    icon = "site"
    menu_label = "Places"
    list_display = ["name", "county", "slug", "latitude", "longitude"]
    list_filter = ["county"]
    search_fields = ["name", "slug"]
    ordering = ["name"]
    list_per_page = 100


class PostcodeDistrictViewSet(DirectorySnippetViewSet):
    model = PostcodeDistrict
    icon = "site"
    menu_label = "Postcode districts"
    list_display = ["code", "place", "latitude", "longitude"]
    list_filter = ["place"]
    search_fields = ["code"]
    ordering = ["code"]
    list_per_page = 100


class EnquiryFilterSet(WagtailFilterSet):
    emailed = django_filters.BooleanFilter(method="filter_emailed", label="Emailed to the company")

    class Meta:
        model = Enquiry
        fields = ["company"]

    def filter_emailed(self, queryset, name, value):
        if value is None:
            return queryset
        sent = Enquiry.objects.filter(
            outbound_emails__kind="enquiry", outbound_emails__status=OutboundEmail.Status.SENT
        ).values("pk")
        return queryset.filter(pk__in=sent) if value else queryset.exclude(pk__in=sent)


class EnquiryPermissionPolicy(WrittenBySitePolicy):
    """Enquiries come only from the public form: nobody adds one in the admin."""

    denied_actions = frozenset({"add"})


class EnquiryViewSet(DirectorySnippetViewSet):
    model = Enquiry
    icon = "mail"
    menu_label = "Enquiries"
    list_display = [
        "name",
        "company",
        Column("created_at", label="Received", sort_key="created_at"),
        outbox_column(label="Email to the company"),
    ]
    filterset_class = EnquiryFilterSet
    search_fields = ["name", "email", "organisation", "message"]
    ordering = ["-created_at"]
    inspect_view_enabled = True
    copy_view_enabled = False

    def get_queryset(self, request):
        return Enquiry.objects.select_related("company").prefetch_related("outbound_emails")


class ProductionViewSet(DirectorySnippetViewSet):
    """Productions that credits point to; "Merge…" on a row folds a duplicate into it."""

    model = Production
    icon = "media"
    menu_label = "Productions"
    list_display = ["title", "year", "kind", "client"]
    list_filter = ["kind", "year"]
    search_fields = ["title", "client"]
    ordering = ["title_key", "year"]
    list_per_page = 100

    def get_urlpatterns(self):
        return super().get_urlpatterns() + [
            path("merge/<int:pk>/", self.merge_view, name="merge"),
        ]

    def merge_view(self, request, pk):
        """Merge a chosen duplicate into production ``pk`` (``Production.merge_into``)."""
        if not can_merge_productions(request.user):
            raise PermissionDenied
        kept = get_object_or_404(Production, pk=pk)
        posted = request.method == "POST"
        form = ProductionMergeForm(request.POST if posted else None, kept=kept)
        if posted and form.is_valid():
            duplicate = form.cleaned_data["duplicate"]
            with transaction.atomic():
                moved = duplicate.merge_into(kept)
            messages.success(request, f"Merged {duplicate} into {kept}: {moved} credit(s) moved.")
            return redirect(self.get_url_name("edit"), kept.pk)
        return TemplateResponse(
            request,
            "directory/admin/merge_production.html",
            {"form": form, "kept": kept, "edit_url": reverse(self.get_url_name("edit"), args=[pk])},
        )


def can_merge_productions(user) -> bool:
    """Merging changes one production and deletes the other."""
    return user.has_perms(["directory.change_production", "directory.delete_production"])


@hooks.register("register_snippet_listing_buttons")
def production_merge_button(snippet, user, next_url=None):
    if isinstance(snippet, Production) and can_merge_productions(user):
        yield ListingButton(
            "Merge a duplicate into this…",
            reverse("wagtailsnippets_directory_production:merge", args=[snippet.pk]),
            priority=30,
        )


class DirectoryViewSetGroup(SnippetViewSetGroup):
    menu_label = "Directory"
    menu_icon = "group"
    menu_order = 250
    items = (
        SkillViewSet,
        SkillGroupViewSet,
        SectorViewSet,
        PlaceViewSet,
        PostcodeDistrictViewSet,
        ProductionViewSet,
        EnquiryViewSet,
    )


register_permission_policy(Enquiry, EnquiryPermissionPolicy(Enquiry))
register_snippet(DirectoryViewSetGroup)
