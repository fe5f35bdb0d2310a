"""Admin registration for the site's own snippets: news categories, in a "News" group."""

from wagtail.snippets.models import register_snippet
from wagtail.snippets.views.snippets import SnippetViewSet, SnippetViewSetGroup

from cms.models import NewsCategory


class NewsCategoryViewSet(SnippetViewSet):
    model = NewsCategory
    icon = "folder-open-inverse"
    menu_label = "Categories"
    list_display = ["name", "slug"]
    search_fields = ["name"]
    ordering = ["name"]


class NewsViewSetGroup(SnippetViewSetGroup):
    items = (NewsCategoryViewSet,)
    menu_icon = "doc-full"
    menu_label = "News"
    menu_name = "news"


register_snippet(NewsViewSetGroup)
