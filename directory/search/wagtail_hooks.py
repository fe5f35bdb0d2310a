"""Search in the admin: the synonyms and pins editors manage (Search synonyms, Search pins)."""

from wagtail.snippets.models import register_snippet
from wagtail.snippets.views.snippets import SnippetViewSet

from .models import SearchPin, Synonym


class SynonymViewSet(SnippetViewSet):
    """Words commissioners use for the same thing ("VFX, visual effects").

    Both backends expand them at query time (``analysis.analyse_query``), so
    a change applies to the next search: no reindex, and it works on the
    minimal Elasticsearch server. Editors and Moderators may manage them
    (migration 0004).
    """

    model = Synonym
    icon = "search"
    menu_label = "Search synonyms"
    menu_order = 310
    add_to_admin_menu = True
    list_display = ["terms", "one_way"]
    list_filter = ["one_way"]
    search_fields = ["terms"]
    ordering = ["terms"]


register_snippet(SynonymViewSet)


class SearchPinViewSet(SnippetViewSet):
    """Editors' picks: a company shown first, labelled, for a search text.

    ``run_search`` applies them on both backends (``pins``); a change applies
    to the next search. Editors and Moderators may manage them (migration
    0006); the search report pins from a search with no or few results.
    """

    model = SearchPin
    icon = "pick"
    menu_label = "Search pins"
    menu_order = 311
    add_to_admin_menu = True
    list_display = ["text", "company", "created_at"]
    search_fields = ["text"]
    ordering = ["text"]


register_snippet(SearchPinViewSet)
