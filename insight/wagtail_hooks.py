"""Insight listens to the directory (``directory.shown``) and to cached pages' hits,
and adds the editors' search report to the admin (Reports › Searches)."""

from django.urls import path, reverse

from wagtail import hooks
from wagtail.admin.menu import MenuItem
from wagtail.snippets.models import register_snippet
from wagtail.snippets.views.snippets import SnippetViewSet

from directory.shown import PROFILE_SHOWN, SEARCH_SHOWN

from . import admin_views, recording, search_actions
from .models import SkillsGap

hooks.register(SEARCH_SHOWN, recording.search_shown)
hooks.register(PROFILE_SHOWN, recording.profile_shown)
hooks.register(recording.REPLAY_HOOK, recording.replayed)


# --- the editors' report ------------------------------------------------------


class SearchReportMenuItem(MenuItem):
    def is_shown(self, request):
        return admin_views.can_view(request.user)


@hooks.register("register_admin_urls")
def register_report_url():
    return [
        path("reports/searches/", admin_views.search_report, name="insight_searches"),
        path(
            "reports/searches/add-synonym/",
            admin_views.add_synonym,
            name="insight_add_synonym",
        ),
        path("reports/searches/pin/", search_actions.pin_company, name="insight_pin_company"),
        path(
            "reports/searches/skills-gap/",
            search_actions.mark_skills_gap,
            name="insight_mark_skills_gap",
        ),
    ]


class SkillsGapViewSet(SnippetViewSet):
    """Searches editors marked as gaps in the region's skills, with their notes."""

    model = SkillsGap
    icon = "warning"
    menu_label = "Skills gaps"
    menu_order = 312
    add_to_admin_menu = True
    list_display = ["text", "note", "updated_at"]
    search_fields = ["text", "note"]
    ordering = ["text"]


register_snippet(SkillsGapViewSet)


@hooks.register("register_reports_menu_item")
def register_report_menu_item():
    return SearchReportMenuItem(
        "Searches", reverse("insight_searches"), icon_name="search", order=150
    )


@hooks.register("construct_homepage_panels")
def add_searches_panel(request, panels):
    if admin_views.can_view(request.user):
        panels.append(admin_views.SearchesPanel())
