"""What every page's frame takes from the page tree, cached: the main navigation and the news feeds.

Both come from queries over the page tree that grow with it: the home page's
children are a range over every page under the site root, so with 100,000
member companies each query costs about 20 ms on SQLite. Both change only
when a site root's child or a news index is saved, published or deleted, a
page is moved, or privacy rules change;
so they are kept in the cache per site (a shared cache in production, see
``cms.settings.production``) and every such change clears them, at once and
again after the transaction commits (a request in between may have cached
the old tree).
"""

from __future__ import annotations

from django.apps import apps
from django.core.cache import cache
from django.db import transaction
from django.db.models.signals import post_delete, post_save

from wagtail.models import Page, PageViewRestriction, Site
from wagtail.signals import post_page_move

from cms.models import NewsIndexPage

TIMEOUT = 60 * 60  # a safety net: changes clear the cache themselves


def _key(site_id: int) -> str:
    return f"cms:frame:{site_id}"


def site_frame(site: Site) -> dict:
    """``{"nav": [{"pk", "path", "title", "url"}, ...], "news": {"title", "url"} | None}``."""
    key = _key(site.pk)
    frame = cache.get(key)
    if frame is None or frame["root"] != site.root_page_id:
        frame = {"root": site.root_page_id, "nav": _nav(site), "news": _news(site)}
        cache.set(key, frame, TIMEOUT)
    return frame


def _nav(site: Site) -> list[dict]:
    return [
        {
            "pk": child.pk,
            "path": child.path,
            "title": child.title,
            "url": child.get_url(None, current_site=site),
        }
        for child in site.root_page.get_children().live().in_menu().public()
    ]


def _news(site: Site) -> dict | None:
    # The first news index in tree order. Without ORDER BY the database walks
    # the few news index rows instead of the whole page tree in path order.
    pages = list(NewsIndexPage.objects.live().order_by())
    if not pages:
        return None
    news_index = min(pages, key=lambda page: page.path)
    return {"title": news_index.title, "url": news_index.get_url(None, current_site=site)}


def clear_frames(**kwargs) -> None:
    """Forget every site's frame now and once more when the transaction commits."""
    _clear()
    transaction.on_commit(_clear)


def _clear() -> None:
    cache.delete_many([_key(pk) for pk in Site.objects.values_list("pk", flat=True)])


# The main navigation lists a site root's children (depth 3; the tree's root
# is at 1): a page deeper down, unless it is a news index, is in no frame.
MENU_DEPTH = 3


def page_changed(sender, instance, **kwargs) -> None:
    """A page saved or deleted: the frames go only if it can be in one."""
    if (
        instance.depth is None
        or instance.depth <= MENU_DEPTH
        or isinstance(instance, NewsIndexPage)
    ):
        clear_frames()


def connect() -> None:
    # Publishing and unpublishing save the page, so post_save covers them. A
    # company's or an article's publish leaves the frames alone (the first
    # visitor after it would otherwise rebuild them); a move may take any
    # page into or out of the menu, so every move clears them.
    for model in apps.get_models():
        if issubclass(model, Page):
            uid = model._meta.label
            post_save.connect(page_changed, sender=model, dispatch_uid=f"cms-frame-save-{uid}")
            post_delete.connect(page_changed, sender=model, dispatch_uid=f"cms-frame-del-{uid}")
    post_page_move.connect(clear_frames, dispatch_uid="cms-frame-moved")
    for sender in (PageViewRestriction, Site):
        post_save.connect(clear_frames, sender=sender, dispatch_uid=f"cms-frame-save-{sender}")
        post_delete.connect(clear_frames, sender=sender, dispatch_uid=f"cms-frame-delete-{sender}")
