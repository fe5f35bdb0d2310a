"""Finding a request's site and page from the cache: one query instead of one per URL level.

Wagtail finds the page for ``/directory/acme/`` by walking the tree: the
site (a query), the root page as its own type (another), then, for every
level of the URL, the child with that slug and that child as its own type
(two more each). A company's profile cost six queries before its own
content. Both answers change only when pages or sites change, so both are
kept in the cache (Redis in production):

* the **site** for a host and port: the ``Site`` with its root page, as
  Wagtail's own lookup returns it;
* for every **page** a route has ended at: its id and type, under the site
  and the path to it. A request reads every prefix of its path at once (one
  cache read), loads the page of the longest one found as its own type (the
  one query, joined with the images and rows its page type names in
  ``route_select_related``) and lets that page route the rest of the path
  as Wagtail would: a routable page's sub-routes, children not seen before.

What they are kept under differs, so that a publish elsewhere does not
make the next visitor of every page walk the tree again (the first visitor
after a publish is every visitor of a busy site):

* sites under a *site epoch*, a token replaced on every change to a site
  and to a site's root page (its URL path and title come with the site);
* pages under their path alone. An entry is a pointer, checked on use: the
  page is loaded by id and used only while it still exists and its
  ``url_path`` is still the path asked for (a move, a rename of it or of an
  ancestor, or a delete fails the check and the tree is walked as Wagtail
  walks it); whether it is live is its own ``route()``'s answer, as in the
  walk. The parent the walk found is kept beside it under the page cache's
  *generation* (``cms.page_cache``): after any publish the parent is loaded
  afresh (its title may have changed), one more query instead of the walk's
  five.

An entry can save a walk, never change where it ends.

What the shortcut skips is the ancestors' own ``route()``. Every page type
here routes to its children as Wagtail's ``Page.route`` does (a routable
page's sub-routes are tried when that page is the one reached, and a page
reached through the cache is routed the same way), and an entry is written
only for a route that ended at a page whose path is the one asked for.
"""

from __future__ import annotations

import copy

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.core.cache import cache
from django.db import transaction
from django.db.models.signals import post_delete, post_save
from django.http import Http404
from django.http.request import split_domain_port

from wagtail.models import Page, Site
from wagtail.signals import post_page_move

from cms.page_cache import DRAFT_FIELDS, generation, kept, replace_token, shared_token

TIMEOUT = 60 * 60 * 24  # pointers are checked on use; this only bounds what is kept
# Prefixes looked up at most: deeper than any page here, and a long made-up
# path costs a bounded cache read (the walk then refuses it at its first
# unknown slug).
MAX_DEPTH = 12
_NO_SITE = "none"  # cached for a host no site answers (None reads as a miss)
SITE_EPOCH_KEY = "cms:routing:site-epoch"
# A site's root page is at depth 2 (the tree's own root at 1).
ROOT_DEPTH = 2


def _site_epoch() -> str:
    return shared_token(SITE_EPOCH_KEY)


def forget_sites(**kwargs) -> None:
    """Every site is looked up afresh: now, and again when the transaction commits."""
    replace_token(SITE_EPOCH_KEY)
    transaction.on_commit(lambda: replace_token(SITE_EPOCH_KEY))


def _root_page_changed(sender, instance, update_fields=None, **kwargs) -> None:
    if not isinstance(instance, Page) or instance.depth > ROOT_DEPTH:
        return
    if update_fields is not None and set(update_fields) <= DRAFT_FIELDS:
        return
    forget_sites()


def _root_page_moved(sender, instance, **kwargs) -> None:
    _root_page_changed(sender, instance)


def connect() -> None:
    """Sites, and the root pages that come with them, replace the site epoch when they change."""
    post_save.connect(forget_sites, sender=Site, dispatch_uid="routing-site-saved")
    post_delete.connect(forget_sites, sender=Site, dispatch_uid="routing-site-deleted")
    # A root page may be of any page type, and a signal's sender is the
    # instance's own class: every save is heard and the handler checks.
    post_save.connect(_root_page_changed, dispatch_uid="routing-root-saved")
    post_delete.connect(_root_page_changed, dispatch_uid="routing-root-deleted")
    post_page_move.connect(_root_page_moved, dispatch_uid="routing-root-moved")


def _site_key(epoch: str, hostname: str, port) -> str:
    return f"cms:routing:site:{epoch}:{hostname}:{port}"


def _page_key(site_id: int, components: list[str]) -> str:
    return f"cms:routing:page:{site_id}:/{''.join(c + '/' for c in components)}"


def site_for_request(request) -> Site | None:
    """``Site.find_for_request``, from the cache; kept on the request where Wagtail looks."""
    if hasattr(request, "_wagtail_site"):
        return request._wagtail_site
    # As Wagtail does: the raw host (Django's CommonMiddleware has already
    # refused a host outside ALLOWED_HOSTS).
    hostname = split_domain_port(request._get_raw_host())[0]
    port = request.get_port()
    key = _site_key(_site_epoch(), hostname, port)
    site = cache.get(key)
    if site is None:
        site = Site._find_for_request(request)  # with its root page, in one query
        cache.set(key, _NO_SITE if site is None else site, TIMEOUT)
    elif site == _NO_SITE:
        site = None
    request._wagtail_site = site
    return site


def route_for_request(request, path: str):
    """``Page.route_for_request``: the route result (page, args, kwargs) or ``None``.

    Kept on the request as Wagtail keeps it, so its ``serve`` view and
    ``Page.find_for_request`` reuse it.
    """
    if hasattr(request, "_wagtail_route_for_request"):
        return request._wagtail_route_for_request
    if getattr(settings, "WAGTAIL_I18N_ENABLED", False):
        # Each locale has its own tree: Wagtail's walk picks the translation.
        return Page.route_for_request(request, path)
    site = site_for_request(request)
    result = None
    if site is not None:
        components = [component for component in path.split("/") if component]
        try:
            result = _route(request, site, components)
        except Http404:
            result = None
    request._wagtail_route_for_request = result
    return result


def _url_path(site: Site, components: list[str]) -> str:
    return site.root_page.url_path + "".join(component + "/" for component in components)


def _route(request, site: Site, components: list[str]):
    gen = generation()
    depths = range(min(len(components), MAX_DEPTH), -1, -1)
    keys = [_page_key(site.pk, components[:depth]) for depth in depths]
    found = cache.get_many(keys)
    for depth, key in zip(depths, keys, strict=True):
        if key in found:
            entry = found[key]
            page = _load(entry, gen)
            if page is not None and page.url_path == _url_path(site, components[:depth]):
                result = page.route(request, components[depth:])
                if result.page.pk != page.pk or entry.get("generation") != gen:
                    _remember(gen, site, components, result.page)
                return result
            break  # moved, renamed or deleted since: walk as Wagtail does
    result = site.root_page.specific.route(request, components)
    _remember(gen, site, components, result.page)
    return result


def _specific(page_id: int, content_type_id: int, related=True) -> Page | None:
    model = ContentType.objects.get_for_id(content_type_id).model_class()
    if model is None or not issubclass(model, Page):
        return None
    queryset = model.objects.all()
    if related:
        # A page type may name the images and rows its template shows at
        # once (``route_select_related``): they come in the same query.
        queryset = queryset.select_related(*getattr(model, "route_select_related", ()))
    return queryset.filter(pk=page_id).first()


def _load(entry, gen: str) -> Page | None:
    if not isinstance(entry, dict) or "page" not in entry:
        return None
    page = _specific(*entry["page"])
    if page is None:
        return None
    parent = entry.get("parent")
    if parent is None or entry.get("generation") != gen:
        # Kept under an older generation, the parent may have changed since:
        # loaded afresh, as the walk would have found it.
        parent_type = entry.get("parent_type")
        parent = _specific(*parent_type, related=False) if parent_type else None
    if parent is not None and parent.path == page.path[: -page.steplen]:
        # As Wagtail's walk leaves it: templates ask for the parent's link.
        page._cached_parent_obj = parent
    return page


def _remember(gen: str, site: Site, components: list[str], page: Page) -> None:
    root = site.root_page.url_path
    if not page.url_path.startswith(root):
        return
    reached = [part for part in page.url_path[len(root) :].split("/") if part]
    if reached != components[: len(reached)]:
        return  # a route that ended elsewhere than its path says: walk it every time
    # The parent as the walk found it (Wagtail keeps it on the page), so
    # that ``get_parent()`` costs no query on the next view either.
    parent = getattr(page, "_cached_parent_obj", None)
    parent_type = None
    if parent is not None:
        parent_type = (parent.pk, parent.content_type_id)
        parent = copy.copy(parent)  # alone, without its own parent or prefetched rows
        for attribute in ("_cached_parent_obj", "_prefetched_objects_cache"):
            parent.__dict__.pop(attribute, None)
    entry = {
        "page": (page.pk, page.content_type_id),
        "parent_type": parent_type,
        "parent": parent,
        "generation": gen,
    }
    cache.set(_page_key(site.pk, reached), entry, TIMEOUT)


def kept_for_routed_page(request, page: Page, name: str, build):
    """``build()`` for the published ``page`` this request was routed to, kept in the cache.

    For what a page shows from its own rows (credits, gallery, taxonomies):
    they change only when the page is published or a row they name (an
    image, a taxonomy) is saved, and each of those replaces the generation
    the entry is kept under. Only for the live page itself, as routed: a
    preview or a draft (an editor's, a member's) is another instance of the
    same page and is always built afresh.
    """
    route = getattr(request, "_wagtail_route_for_request", None)
    if route is None or route.page is not page or getattr(request, "is_preview", False):
        return build()
    return kept(f"page:{page.pk}:{name}", build)
