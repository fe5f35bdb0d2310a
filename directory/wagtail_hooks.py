"""The directory in the admin: one "Directory" menu group for taxonomies, gazetteer and enquiries.

Skills, sectors and places are snippets editors may add to (the shipped ones
come from ``directory/data`` through the data migration). Enquiries are
commissioners' messages: editors read and filter them here, never write them.
"""

from wagtail import hooks
from wagtail.admin.filters import WagtailFilterSet
from wagtail.admin.ui.tables import Column
from wagtail.permissions import register_permission_policy
from wagtail.snippets.models import register_snippet
from wagtail.snippets.views.snippets import SnippetViewSet, SnippetViewSetGroup

import django_filters

from cms.outbox.admin_views import outbox_column
from cms.outbox.models import OutboundEmail
from cms.page_cache import first_live
from cms.permissions import WrittenBySitePolicy

from .models import (
    DirectoryIndexPage,
    Enquiry,
    Place,
    PostcodeDistrict,
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
        EnquiryViewSet,
    )


register_permission_policy(Enquiry, EnquiryPermissionPolicy(Enquiry))
register_snippet(DirectoryViewSetGroup)
