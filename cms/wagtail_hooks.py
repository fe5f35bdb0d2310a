"""Admin registration for the site's own snippets: news categories, in a "News" group."""

from wagtail.admin.compare import RichTextFieldComparison, register_comparison_class
from wagtail.snippets.models import register_snippet
from wagtail.snippets.views.snippets import SnippetViewSet, SnippetViewSetGroup

from cms.fields import RichTextField, without_block_keys
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


class ContentRichTextComparison(RichTextFieldComparison):
    """Rich text has changed when what it says or how it is marked up has, not its block keys.

    Text written in the member area (plain paragraphs) and the same text after
    an editor's admin save differ only in the keys the editor adds, which the
    moderation compare view listed as a change nobody made.
    """

    def has_changed(self):
        return without_block_keys(self.val_a) != without_block_keys(self.val_b)


register_comparison_class(RichTextField, comparison_class=ContentRichTextComparison)
