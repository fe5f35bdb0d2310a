"""Finding a request's site and page from the cache: no query once a page has been seen.

Wagtail finds the page for ``/directory/acme/`` by walking the tree: the
site (a query), the root page as its own type (another), then, for every
level of the URL, the child with that slug and that child as its own type
(two more each). A company's profile cost six queries before its own
content. Both answers change only when pages or sites change, so both are
kept in the cache (Redis in production):

* the **site** for a host and port: the ``Site`` with its root page, as
  Wagtail's own lookup returns it, under a *site epoch*: a token replaced
  on every change to a site or to a site's root page;
* for every **page** a route has ended at, under the site and the path to
  it: its id and type and, once it has been loaded under its tokens, the
  page itself as its own type (with the images and rows its page type names
  in ``route_select_related``) and its parent. A request reads every prefix
  of its path at once (one cache read) and lets the page of the longest one
  found route the rest of the path as Wagtail would: a routable page's
  sub-routes, children not seen before.

**Tokens, not the generation.** The page cache's generation (``cms.page_cache``)
is replaced by every publish anywhere, and the first visitor after a
publish is every visitor of a busy site; a page's route does not change
when another page is published. So a kept page is used only while these
are the ones it was kept under, each read before the page was loaded:

* its own *page token* and its parent's, replaced whenever that page is
  saved (not a draft), published, unpublished, moved or deleted, or a child
  is added to it or deleted from it (its child count); its own changes
  also replace the token by id that listings keep its card under
  (``cms.page_cache.kept_per_page``);
* the *tree epoch*, replaced by every move, delete and change of a URL path
  (a slug changed: its descendants' paths are rewritten in SQL, unsaved);
* the *rows epoch* (``cms.page_cache.ROWS_KEY``), replaced by every change
  of the rows pages show (images, sites, tags...);
* for a page type whose ``route_select_related`` joins a taxonomy, the
  *taxonomy epoch* too (``cms.page_cache.TAXONOMY_KEY``), replaced by every
  save or delete of a taxonomy row: such a page is loaded again (one query)
  on its next view after a rename, other pages are not. None joins one
  today: a company's profile takes its place from the kept map of current
  taxonomy rows instead (``directory.models.with_current_taxonomy``), which
  costs no query after a taxonomy edit, where the join cost one per
  company and not joining it at all one per view.

Otherwise the page is loaded by id (one query, and one for a changed
parent) and used only while it exists and its ``url_path`` is still the
path asked for; whether it is live is its own ``route()``'s answer, as in
the walk. A page reached by walking is kept as a pointer only (it was read
before its tokens), and whole from its next view on. An entry can save a
walk, never change where it ends.

What the shortcut skips is the ancestors' own ``route()``. Every page type
here routes to its children as Wagtail's ``Page.route`` does (a routable
page's sub-routes are tried when that page is the one reached, and a page
reached through the cache is routed the same way), and an entry is written
only for a route that ended at a page whose path is the one asked for.
"""

from __future__ import annotations

import copy
import functools

from django.apps import apps
from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.core.cache import cache
from django.db.models.signals import post_delete, post_save, pre_save
from django.http import Http404
from django.http.request import split_domain_port

from wagtail.models import Page, Site
from wagtail.signals import page_published, page_unpublished, post_page_move

from cms.cache import set_many_later
from cms.page_cache import (
    DRAFT_FIELDS,
    ROWS_KEY,
    TAXONOMY_KEY,
    TREE_KEY,
    is_taxonomy,
    kept,
    kept_under,
    page_token_key,
    replace_token_now_and_on_commit,
    shared_token,
    shared_tokens,
    type_key,
)

TIMEOUT = 60 * 60 * 24  # pointers are checked on use; this only bounds what is kept
# Prefixes looked up at most: deeper than any page here, and a long made-up
# path costs a bounded cache read (the walk then refuses it at its first
# unknown slug).
MAX_DEPTH = 12
_NO_SITE = "none"  # cached for a host no site answers (None reads as a miss)
SITE_EPOCH_KEY = "cms:routing:site-epoch"
# A site's root page is at depth 2 (the tree's own root at 1).
ROOT_DEPTH = 2


def _page_token_key(path: str) -> str:
    # By tree path, not id: a page's row also changes when a child is added
    # or deleted (its child count, written in SQL), and the child knows its
    # parent's path. Paths change only with the tree epoch.
    return f"cms:routing:page-token:{path}"


def _site_epoch() -> str:
    return shared_token(SITE_EPOCH_KEY)


def forget_sites(**kwargs) -> None:
    """Every site is looked up afresh."""
    replace_token_now_and_on_commit(SITE_EPOCH_KEY)


def _page_changed(sender, instance, update_fields=None, created=False, **kwargs) -> None:
    """A page saved (not only a draft), published, unpublished, moved or deleted."""
    if not isinstance(instance, Page) or not instance.path:
        return
    if update_fields is not None and set(update_fields) <= DRAFT_FIELDS:
        return
    replace_token_now_and_on_commit(_page_token_key(instance.path))
    if instance.pk is not None:
        replace_token_now_and_on_commit(page_token_key(instance.pk))  # its cards (kept_per_page)
    specific_class = instance.specific_class or type(instance)
    for cls in specific_class.__mro__:
        if isinstance(cls, type) and issubclass(cls, Page) and not cls._meta.abstract:
            replace_token_now_and_on_commit(
                type_key(cls)
            )  # the first live page of its type (first_live)
    if created and instance.depth > 1:
        replace_token_now_and_on_commit(
            _page_token_key(instance.path[: -instance.steplen])
        )  # its child count
    if instance.depth is not None and instance.depth <= ROOT_DEPTH:
        forget_sites()  # a root page comes with its site
    old_url_path = instance.__dict__.pop("_routing_url_path_before", None)
    if old_url_path is not None and old_url_path != instance.url_path:
        replace_token_now_and_on_commit(TREE_KEY)  # its descendants' paths changed too


def page_changed(page: Page) -> None:
    """What a publish of ``page`` replaces here, without saving it (benchmarks)."""
    _page_changed(type(page), page)


def _url_path_before_save(sender, instance, update_fields=None, raw=False, **kwargs) -> None:
    if raw or not isinstance(instance, Page) or instance.pk is None:
        return
    if (
        update_fields is not None
        and "url_path" not in update_fields
        and "slug" not in update_fields
    ):
        return
    before = Page.objects.filter(pk=instance.pk).values_list("url_path", flat=True).first()
    instance._routing_url_path_before = before


def _tree_changed(sender, instance=None, **kwargs) -> None:
    """A page moved or deleted: every path below and beside it may have changed."""
    if isinstance(instance, Page):
        _page_changed(sender, instance)
        replace_token_now_and_on_commit(TREE_KEY)


def connect() -> None:
    """Sites, pages and the tree replace the tokens their cached routes are kept under."""
    post_save.connect(forget_sites, sender=Site, dispatch_uid="routing-site-saved")
    post_delete.connect(forget_sites, sender=Site, dispatch_uid="routing-site-deleted")
    # Every page type by name (a signal's sender is the instance's own
    # class): a receiver for every model would stop Django's fast deletes.
    for model in apps.get_models():
        if issubclass(model, Page):
            uid = model._meta.label
            pre_save.connect(_url_path_before_save, sender=model, dispatch_uid=f"routing-pre-{uid}")
            post_save.connect(_page_changed, sender=model, dispatch_uid=f"routing-save-{uid}")
            post_delete.connect(_tree_changed, sender=model, dispatch_uid=f"routing-del-{uid}")
    page_published.connect(_page_changed, dispatch_uid="routing-page-published")
    page_unpublished.connect(_page_changed, dispatch_uid="routing-page-unpublished")
    post_page_move.connect(_tree_changed, dispatch_uid="routing-page-moved")


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
        set_many_later(cache, {key: _NO_SITE if site is None else site}, TIMEOUT)  # by epoch
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
    depths = range(min(len(components), MAX_DEPTH), -1, -1)
    keys = [_page_key(site.pk, components[:depth]) for depth in depths]
    # The epochs first, then the pages: a change after this read replaces
    # an epoch, so what is loaded below is never kept under a newer one.
    tree, rows, taxonomy = shared_tokens([TREE_KEY, ROWS_KEY, TAXONOMY_KEY])
    epochs = {"tree": tree, "rows": rows, "taxonomy": taxonomy}
    found = cache.get_many(keys)
    for depth, key in zip(depths, keys, strict=True):
        if key in found:
            entry = found[key]
            page, fresh = _load(entry, epochs)
            if page is not None and page.url_path == _url_path(site, components[:depth]):
                result = page.route(request, components[depth:])
                if result.page is not page:
                    _remember(site, components, result.page, None)
                elif fresh is not None:
                    _remember(site, components, page, fresh)
                return result
            break  # moved, renamed or deleted since: walk as Wagtail does
    result = site.root_page.specific.route(request, components)
    # Walked, so loaded before its tokens were read: only the pointer is
    # kept, and the next view loads the page under its tokens.
    _remember(site, components, result.page, None)
    return result


def _page_tokens(*paths) -> dict[str, str]:
    paths = [path for path in paths if path]
    return dict(zip(paths, shared_tokens([_page_token_key(path) for path in paths]), strict=True))


def _page_model(content_type_id: int):
    return ContentType.objects.get_for_id(content_type_id).model_class()  # no query once seen


@functools.cache
def _joins_taxonomy(model) -> bool:
    """Whether ``model``'s ``route_select_related`` joins a taxonomy (``is_taxonomy``)."""
    for path in getattr(model, "route_select_related", ()):
        related = model
        for name in path.split("__"):
            related = related._meta.get_field(name).related_model
            if is_taxonomy(related):
                return True
    return False


def _specific(page_id: int, content_type_id: int, related=True) -> Page | None:
    model = _page_model(content_type_id)
    if model is None or not issubclass(model, Page):
        return None
    queryset = model.objects.all()
    if related:
        # A page type may name the images and rows its template shows at
        # once (``route_select_related``): they come in the same query.
        queryset = queryset.select_related(*getattr(model, "route_select_related", ()))
    return queryset.filter(pk=page_id).first()


def _load(entry, epochs: dict) -> tuple[Page | None, dict | None]:
    """The entry's page (with its parent), and the stamp to keep it under if it was loaded.

    The page and its parent come from the entry while their tokens and the
    epochs are the ones they were kept under (the taxonomy epoch only for
    a page type that joins a taxonomy: ``_joins_taxonomy``); otherwise from
    the database (the stamp returned says under which tokens they were read).
    """
    if not isinstance(entry, dict) or "page" not in entry or not entry.get("path"):
        return None, None
    path = entry["path"]
    parent_type = entry.get("parent_type")
    parent_path = path[: -Page.steplen] if parent_type else None
    tokens = _page_tokens(path, parent_path)
    stamp = {**epochs, "page": tokens[path], "parent": tokens.get(parent_path)}
    kept = entry.get("stamp") or {}
    epochs_same = all(kept.get(name) == stamp[name] for name in ("tree", "rows"))
    page_same = epochs_same and kept.get("page") == stamp["page"]
    if page_same and kept.get("taxonomy") != stamp["taxonomy"]:
        model = _page_model(entry["page"][1])
        page_same = model is None or not _joins_taxonomy(model)
    page = entry.get("page_object") if page_same else None
    parent = None
    if epochs_same and kept.get("parent") == stamp["parent"]:
        parent = entry.get("parent_object")
    reloaded = page is None or (parent is None and parent_type is not None)
    if page is None:
        page = _specific(*entry["page"])
        if page is None:
            return None, None
    if parent is None and parent_type:
        parent = _specific(*parent_type, related=False)
    if parent is not None and parent.path == page.path[: -page.steplen]:
        # As Wagtail's walk leaves it: templates ask for the parent's link.
        page._cached_parent_obj = parent
    return page, (stamp if reloaded else None)


def _alone(page: Page | None) -> Page | None:
    """A copy of ``page`` without its parent or the rows a request prefetched for it."""
    if page is None:
        return None
    page = copy.copy(page)
    for attribute in ("_cached_parent_obj", "_prefetched_objects_cache"):
        page.__dict__.pop(attribute, None)
    return page


def _remember(site: Site, components: list[str], page: Page, stamp: dict | None) -> None:
    """Point the path at ``page``; with a ``stamp``, keep the page and its parent too."""
    root = site.root_page.url_path
    if not page.url_path.startswith(root):
        return
    reached = [part for part in page.url_path[len(root) :].split("/") if part]
    if reached != components[: len(reached)]:
        return  # a route that ended elsewhere than its path says: walk it every time
    # The parent as the walk found it (Wagtail keeps it on the page), so
    # that ``get_parent()`` costs no query on the next view either.
    parent = getattr(page, "_cached_parent_obj", None)
    entry = {
        "page": (page.pk, page.content_type_id),
        "path": page.path,
        "parent_type": None if parent is None else (parent.pk, parent.content_type_id),
    }
    if stamp is not None:
        entry.update(stamp=stamp, page_object=_alone(page), parent_object=_alone(parent))
    # Checked against its stamp on use: safe to write after the response.
    set_many_later(cache, {_page_key(site.pk, reached): entry}, TIMEOUT)


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


def kept_for_page_content(request, page: Page, name: str, build, *, taxonomy: bool = False):
    """``build()`` for the routed live ``page``, kept until that page or a shown row changes.

    Unlike :func:`kept_for_routed_page`, a publish of another page does not
    replace it: ``build`` must read only the page's own fields and inline
    rows and the rows pages show that ``cms.page_cache.invalidate_on`` and
    ``invalidate_on_taxonomy`` follow (images, taxonomies), never another
    page. Kept under the page's own token and the rows epoch, read before
    ``build`` runs; with ``taxonomy=True`` (``build`` reads taxonomy rows:
    a company's skills with their groups) under the taxonomy epoch too, a
    few rows cheaper rebuilt after a taxonomy edit than swapped
    (``directory.models.with_current_taxonomy``).
    """
    route = getattr(request, "_wagtail_route_for_request", None)
    if route is None or route.page is not page or getattr(request, "is_preview", False):
        return build()
    token_keys = [_page_token_key(page.path), ROWS_KEY]
    if taxonomy:
        token_keys.append(TAXONOMY_KEY)
    return kept_under(f"cms:routing:content:{page.pk}:{name}", token_keys, build, TIMEOUT)
