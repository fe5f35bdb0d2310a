"""RSS 2.0 and Atom 1.0 feeds of a news index, built on Django's syndication framework."""

from django.contrib.syndication.views import Feed
from django.utils.feedgenerator import Atom1Feed, Rss201rev2Feed

FEED_SIZE = 20


class NewsRssFeed(Feed):
    """Newest articles of one NewsIndexPage.

    Instantiate with the page and the site's name (``cms.models.site_name``),
    call with the request; the page's route does both, so this module needs
    nothing from the models.
    """

    feed_type = Rss201rev2Feed

    def __init__(self, index_page, site_name: str):
        super().__init__()
        self.index_page = index_page
        self.site_name = site_name

    def get_object(self, request, *args, **kwargs):
        self.request = request
        return self.index_page

    def title(self, obj):
        return f"{obj.title} · {self.site_name}"

    def link(self, obj):
        return obj.get_full_url(self.request) or "/"

    def feed_url(self, obj):
        # The same host as every other link in the feed: the Wagtail site's root URL.
        base = obj.get_full_url(self.request)
        if base:
            return base + self.request.path.removeprefix(obj.get_url(self.request))
        return self.request.build_absolute_uri(self.request.path)

    def description(self, obj):
        return obj.search_description or f"The latest {obj.title.lower()}."

    def items(self, obj):
        return obj.articles().prefetch_related("tagged_items__tag")[:FEED_SIZE]

    def item_title(self, item):
        return item.title

    def item_description(self, item):
        return item.intro

    def item_link(self, item):
        return item.get_full_url(self.request)

    def item_guid(self, item):
        return item.get_full_url(self.request)

    def item_pubdate(self, item):
        return item.published_at

    def item_updateddate(self, item):
        return item.last_published_at or item.published_at

    def item_author_name(self, item):
        return item.author or None

    def item_categories(self, item):
        names = [tagged.tag.name for tagged in item.tagged_items.all()]
        if item.category_id:
            names.insert(0, item.category.name)
        return names


class NewsAtomFeed(NewsRssFeed):
    feed_type = Atom1Feed

    def subtitle(self, obj):
        return self.description(obj)
