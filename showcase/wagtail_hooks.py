"""Admin: a flat "Projects" listing, so editors curate the showcase without tree-walking."""

from wagtail import hooks
from wagtail.admin.viewsets.pages import PageListingViewSet

from .models import ProjectPage


class ProjectListingViewSet(PageListingViewSet):
    model = ProjectPage
    icon = "media"
    menu_label = "Projects"
    menu_order = 250
    add_to_admin_menu = True
    name = "projects"
    list_filter = ["featured", "kind", "year", "sectors", "live"]


@hooks.register("register_admin_viewset")
def register_project_listing():
    return ProjectListingViewSet()
