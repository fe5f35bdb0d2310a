"""Whole anonymous pages from the cache, and the headers that let a CDN do the same.

A page a visitor without a session sees is the same for every such visitor,
so the first one's rendering is kept (Django's ``default`` cache: Redis in
production) and the next ones get it without a query. What is kept, and when:

* only Wagtail pages (``cms.views.serve`` marks the request with the page's
  type), only ``GET`` (``HEAD`` is answered from the same entry), only 200s;
* never for a request with a session or messages cookie (signed in, or
  carrying a message), so the member area, the admin and everything a
  signed-in person sees are rendered for them alone;
* never a response that sets a cookie or used a CSRF token: a cached page
  must not hand one visitor's token to the next. The company profile's
  enquiry form therefore carries no token: it is checked by origin instead
  (``cms.views.serve``), so profiles are cached with the form in them. The
  contact page (Wagtail's form page) keeps its token and is not cached.

**Keys.** A page's entry is keyed by scheme, host, path and its *normalised*
query: the page type's normaliser (``register_query_normaliser``) turns the
query into the canonical string that means the same page, so parameter order
and unknown parameters make no new entries, and ``None`` means "do not cache
this one" (a malformed number that the page explains). Which normaliser a
path needs is learnt on the first miss and kept beside the entries (the
*route*), so a hit costs two cache reads and no query.

**Invalidation** is one write: every key includes a *generation*, a random
token replaced on any change that can alter a page (publish, unpublish, move,
delete, privacy, sites, site settings, images, the rows registered with
``invalidate_on`` and the taxonomies registered with
``invalidate_on_taxonomy``). Old entries are never read again and expire by
themselves. The generation is replaced at once and again when the
transaction commits, as the frame cache does (``cms.frame``): a request in
between may have cached the old page.

**Kept values.** Smaller things that every view builds from published
content, signed in or not, are kept under tokens that the changes they
depend on replace, so a publish forgets only what it can change: the
generation (``kept``); the tokens of the page types they read, with the tree
and rows epochs (``kept_for_types``: the first live index of a type,
``first_live``); one value per listed page under that page's own token
(``kept_per_page``: a company's card); routes and a routed page's own rows
(``cms.routing``).

**Two epochs for the rows pages show.** The *rows epoch* (``ROWS_KEY``) is
replaced by a change of the rows ``invalidate_on`` follows (sites,
settings, tags, embeds...) and by an image's edit or delete (not its
upload: ``_image_saved``); the *taxonomy epoch* (``TAXONOMY_KEY``) by a
save or delete of a taxonomy row (``invalidate_on_taxonomy``: skills,
sectors, places...), and not the rows epoch, so an editor's rename of a
skill does not forget every card the directory keeps. A value that embeds
taxonomy rows therefore either is kept under the taxonomy epoch as well
(``cms.routing``: the routes of page types that join a taxonomy, and a
routed page's own links to taxonomy rows), or under the generation
(``kept``: a project's relations, the cluster's figures), or swaps the
rows it embeds for the current ones each time it is read (cards,
summaries, a company's projects, a routed company's place:
``directory.models.with_current_taxonomy``). Replacing either epoch
replaces the generation too, so no whole page outlives a change of either.
Taxonomy rows changed without signals (a bulk load, a data migration: see
``cms.apps``) must call :func:`taxonomy_changed`, or the swap would drop
rows it has not heard of.

**Replays.** What a view does besides rendering, and must do for every
visitor (cluster insight counts each search and profile view), would be
skipped on a hit. Such a view calls :func:`replay_on_hit` with a Wagtail hook's
name and a small picklable payload: the entry keeps them, and each hit calls
that hook's functions with the hit's request and the payload, never failing
the hit.
"""

from __future__ import annotations

import logging
import re
import uuid
from collections.abc import Callable
from urllib.parse import urlencode

from django.apps import apps
from django.conf import settings
from django.core.cache import cache
from django.db import transaction
from django.db.models.signals import post_delete, post_save
from django.http import HttpResponse, QueryDict
from django.utils.cache import patch_cache_control, patch_vary_headers

from wagtail import hooks
from wagtail.contrib.settings.models import BaseSiteSetting
from wagtail.images import get_image_model
from wagtail.models import Page, PageViewRestriction, Site
from wagtail.signals import page_published, page_unpublished, post_page_move

from taggit.models import Tag

from cms.cache import kept_key, record_kept, request_reads, set_many_later, unrecorded

logger = logging.getLogger(__name__)

GENERATION_KEY = "cms:page-cache:generation"
HEADER = "X-Page-Cache"
# Fields a draft, an autosave or a lock writes to the live page's row: the
# published page is unchanged, so they do not empty the cache (an editor's
# autosave every half second would otherwise keep it empty).
DRAFT_FIELDS = frozenset(
    {
        "latest_revision",
        "latest_revision_created_at",
        "draft_title",
        "has_unpublished_changes",
        "locked",
        "locked_at",
        "locked_by",
        "wagtail_admin_comments",
    }
)
PAGE_NUMBER = re.compile(r"[1-9][0-9]{0,5}")

Normaliser = Callable[[QueryDict], "str | None"]
_normalisers: dict[str, Normaliser] = {}
_normaliser_of_page: dict[type, str] = {}


def register_query_normaliser(page_class: type, normaliser: Normaliser) -> None:
    """Key ``page_class`` pages by ``normaliser(request.GET)`` (``None``: not cached)."""
    name = f"{page_class._meta.app_label}.{page_class.__name__}"
    _normalisers[name] = normaliser
    _normaliser_of_page[page_class] = name


def page_number_only(params: QueryDict) -> str | None:
    """The default: every page reads ``?page=`` (its canonical link keeps it), nothing else.

    Only a plain page number is cached: ``?page=0`` or ``?page=x`` show
    another page than their key would say (the last, the first).
    """
    page = params.get("page")
    if page is None or page == "1":
        return ""
    return f"page={page}" if PAGE_NUMBER.fullmatch(page) else None


_normalisers["default"] = page_number_only


def canonical_query(pairs) -> str:
    """``pairs`` (name, value) sorted and encoded: one string for one meaning."""
    return urlencode(sorted((name, value) for name, value in pairs if value != ""))


# --- the generation -----------------------------------------------------------


def shared_token(key: str) -> str:
    """The random token kept at ``key`` (made on first use): one per cache, for every worker."""
    current = cache.get(key)
    if current is None:
        current = uuid.uuid4().hex
        # add(): two workers starting at once agree on one token.
        if not cache.add(key, current, None):
            current = cache.get(key, current)
    return current


def shared_tokens(keys: list[str]) -> list[str]:
    """``shared_token`` of each of ``keys``: one read, and one write for those not made yet.

    The missing ones are written with ``set_many``, not ``add`` one by one
    (twenty new pages' tokens would be forty round trips). Two workers making
    the same token at once may each write their own: the loser's kept value
    is only never read. Whatever is kept under a token is built after the
    token was read or written, so it is never older than the token.
    """
    found = cache.get_many(keys)
    made = {key: uuid.uuid4().hex for key in keys if not found.get(key)}
    if made:
        cache.set_many(made, None)
    return [found.get(key) or made[key] for key in keys]


def replace_token(key: str) -> None:
    cache.set(key, uuid.uuid4().hex, None)


def replace_token_now_and_on_commit(key: str) -> None:
    """Replace the token now, and again when the transaction commits.

    A request in between may have kept what it read under the token before
    the change was committed.
    """
    replace_token(key)
    transaction.on_commit(lambda: replace_token(key))


def generation() -> str:
    return shared_token(GENERATION_KEY)


KEPT_TIMEOUT = 60 * 60  # a safety net: every change replaces the generation


def kept(name: str, build: Callable[[], object]):
    """``build()``, kept in the cache until the next change that replaces the generation.

    For small values made from published pages and the rows registered here
    (the first live news index, a page's own rows): they can change only
    when the generation is replaced, so they are as fresh as a cached page.
    ``build()`` must not return ``None`` (it reads as a miss).
    """
    return kept_under(f"cms:kept:{name}", [GENERATION_KEY], build)


def kept_under(
    name: str, token_keys: list[str], build: Callable[[], object], timeout: int = KEPT_TIMEOUT
):
    """``build()``, kept under the tokens at ``token_keys`` (read first) and ``name``.

    The one way values are kept under tokens: the tokens are read before
    ``build`` runs, so a change after that read replaces one of them and the
    value is never read again. ``name`` must change with the value's shape:
    while a release rolls out, the old workers read what the new ones keep.
    The next rendering of the same page reads the value ahead with the
    others, at its key under the tokens of the day
    (``cms.cache.RequestReads.prefetch``); an old key is never read ahead.
    """
    key = kept_key(name, shared_tokens(token_keys))
    record_kept(cache, name, token_keys)
    with unrecorded():  # read ahead by its tokens instead (record_kept)
        value = cache.get(key)
    if value is None:
        value = build()
        set_many_later(cache, {key: value}, timeout)  # after the response (cms.cache)
    return value


# Replaced by every move, delete and change of a URL path (``cms.routing``
# connects it): what can change a page's path or place in the tree without
# saving that page, since its descendants' paths are rewritten in SQL.
TREE_KEY = "cms:page-cache:tree"


def type_key(model) -> str:
    """The token replaced when a page of ``model`` (or a subclass) changes (``cms.routing``)."""
    return f"cms:page-cache:type:{model._meta.label_lower}"


def kept_for_types(name: str, build: Callable[[], object], *models, timeout=KEPT_TIMEOUT):
    """``build()``, kept while no page of ``models`` changes, nor the tree, nor a row pages show.

    For values read from pages of those types alone (and the rows
    ``invalidate_on`` follows): another type's publish leaves them, so the
    first visitor after a news article's publish does not rebuild a
    profile's projects. The tokens are read before ``build`` runs. ``name``
    must say everything else the value depends on (ids, limits).

    Not under the taxonomy epoch: a value that shows taxonomy rows swaps
    them for the current ones after reading (a company's projects' sectors:
    ``directory.models.with_current_taxonomy``), and one computed from
    pages' links to them must say in ``name`` what a taxonomy delete can
    change (the related members' ranking names the skills it counts).
    """
    token_keys = [*(type_key(model) for model in models), TREE_KEY, ROWS_KEY]
    return kept_under(f"cms:kept-types:{name}", token_keys, build, timeout)


def page_token_key(page_id: int) -> str:
    """The token replaced when the page with this id changes (``cms.routing``)."""
    return f"cms:page-cache:page:{page_id}"


def kept_per_page(
    name: str,
    ids: list[int],
    build: Callable[[list[int]], dict],
    timeout: int = KEPT_TIMEOUT,
) -> dict:
    """``build(ids)``'s value for each id, kept while that page, the tree and shown rows stay.

    For what a listing shows of each page it lists (a company's card): a
    member's publish forgets its own card, not the nineteen others of a
    search page. ``build`` takes the ids not kept and returns ``{id: value}``
    for those it finds (a page deleted meanwhile is simply absent, and is
    absent from the answer); it must read only those pages' own fields and
    inline rows, and the rows ``invalidate_on`` follows. Two cache reads
    (the tokens, then the values) and one write for what was built, whatever
    the number of ids.

    Not under the taxonomy epoch: twenty cards rebuilt after every rename
    of a skill is what a directory page would pay for it. A value that
    embeds taxonomy rows (a card's place, skills and sectors) must swap
    them for the current ones after reading
    (``directory.models.with_current_taxonomy``).
    """
    ids = list(dict.fromkeys(ids))
    if not ids:
        return {}
    tree, rows, *own = shared_tokens([TREE_KEY, ROWS_KEY, *map(page_token_key, ids)])
    keys = {}
    for page_id, token in zip(ids, own, strict=True):
        page_name = f"cms:kept-page:{name}:{page_id}"
        keys[page_id] = kept_key(page_name, [token, tree, rows])
        record_kept(cache, page_name, [page_token_key(page_id), TREE_KEY, ROWS_KEY])
    with unrecorded():  # read ahead by their tokens instead (record_kept)
        found = cache.get_many(list(keys.values()))
    values = {page_id: found[key] for page_id, key in keys.items() if key in found}
    missing = [page_id for page_id in ids if page_id not in values]
    if missing:
        built = {page_id: value for page_id, value in build(missing).items() if page_id in keys}
        set_many_later(cache, {keys[page_id]: value for page_id, value in built.items()}, timeout)
        values.update(built)
    return values


def first_live(model):
    """The first live ``model`` page in tree order (an index page), or ``None``; kept.

    Kept under its type's token (``kept_for_types``): its own type's publish,
    unpublish or delete and any move or rename replace it.
    """
    name = f"first-live:{model._meta.label_lower}"
    return kept_for_types(name, lambda: [model.objects.live().order_by("path").first()], model)[0]


def invalidate(**kwargs) -> None:
    """Forget every cached page, now and once more when the transaction commits."""
    replace_token_now_and_on_commit(GENERATION_KEY)


# Replaced, with the generation, by every change of a row that pages show
# beside their own fields (``invalidate_on``: sites, tags...; images) but
# not by a page's own publish: what a page keeps of its own content alone
# (``cms.routing``) is kept under it and the page's own token.
ROWS_KEY = "cms:page-cache:rows"
# Replaced, with the generation, by every save or delete of a taxonomy row
# (``invalidate_on_taxonomy``) instead of the rows epoch: see the module's
# docstring, *Two epochs*.
TAXONOMY_KEY = "cms:page-cache:taxonomy"

_taxonomy_models: set[type] = set()


def rows_changed(**kwargs) -> None:
    """A row that pages show changed: every cached page, and every page's kept rows, go."""
    invalidate()
    replace_token_now_and_on_commit(ROWS_KEY)


def taxonomy_changed(**kwargs) -> None:
    """A taxonomy row changed: every cached page goes, and what is kept under the taxonomy epoch.

    Not the rows epoch: kept cards stay, and swap their taxonomy rows for
    the current ones when read (``directory.models.with_current_taxonomy``).
    Rows changed without signals (a bulk load, a data migration) must call
    this too.
    """
    invalidate()
    replace_token_now_and_on_commit(TAXONOMY_KEY)


def invalidate_on(*models) -> None:
    """Any save or delete of one of ``models`` (images, settings) forgets every cached page.

    And replaces the rows epoch. For taxonomies, :func:`invalidate_on_taxonomy`.
    """
    for model in models:
        _follow(model, rows_changed, rows_changed)


def _follow(model, on_save, on_delete) -> None:
    """Connect ``model``'s saves and deletes to these receivers (one pair per model)."""
    uid = model._meta.label
    post_save.connect(on_save, sender=model, dispatch_uid=f"page-cache-save-{uid}")
    post_delete.connect(on_delete, sender=model, dispatch_uid=f"page-cache-delete-{uid}")


def invalidate_on_taxonomy(*models) -> None:
    """Any save or delete of one of ``models`` forgets every cached page and the taxonomy epoch.

    For the terms pages are described by (skills, sectors, places): many
    kept values show them, so they follow the taxonomy epoch, not the rows
    epoch (the module's docstring, *Two epochs*). ``cms.routing`` also
    keeps a routed page under it when its type joins one of ``models``
    (``route_select_related``).
    """
    for model in models:
        _taxonomy_models.add(model)
        _follow(model, taxonomy_changed, taxonomy_changed)


def is_taxonomy(model) -> bool:
    """Whether ``model``'s rows follow the taxonomy epoch (``invalidate_on_taxonomy``)."""
    return model in _taxonomy_models


def _page_saved(sender, instance, update_fields=None, **kwargs) -> None:
    if update_fields is not None and set(update_fields) <= DRAFT_FIELDS:
        return
    invalidate()


def _image_saved(sender, created=False, **kwargs) -> None:
    """An image's edit replaces the rows epoch; its upload only the generation.

    A new image shows nowhere until a page, snippet or setting that uses it
    is saved, and that save forgets what it must. Editors upload images as
    they write: each upload forgot every kept card, route and row before.
    """
    if created:
        invalidate()
    else:
        rows_changed()


def _settings_saved(sender, created=False, **kwargs) -> None:
    # The first page view of a site creates its settings row with the
    # defaults it was already rendered with: nothing to forget.
    if not created:
        invalidate()


def connect() -> None:
    # Publishing, unpublishing and moving save the page too, but their own
    # signals are connected as well: they are what the cache promises to follow.
    page_published.connect(invalidate, dispatch_uid="page-cache-published")
    page_unpublished.connect(invalidate, dispatch_uid="page-cache-unpublished")
    post_page_move.connect(invalidate, dispatch_uid="page-cache-moved")
    for model in apps.get_models():
        if issubclass(model, Page):
            uid = model._meta.label
            post_save.connect(_page_saved, sender=model, dispatch_uid=f"page-cache-page-{uid}")
            post_delete.connect(invalidate, sender=model, dispatch_uid=f"page-cache-del-{uid}")
    invalidate_on(PageViewRestriction, Site, Tag)
    _follow(get_image_model(), _image_saved, rows_changed)
    # Site settings, news categories and pages' inline rows, from this app.
    cms_models = apps.get_app_config("cms").get_models()
    invalidate_on(*(m for m in cms_models if not issubclass(m, Page | BaseSiteSetting)))
    for model in apps.get_app_config("cms").get_models():
        if issubclass(model, BaseSiteSetting):
            uid = model._meta.label
            post_save.connect(_settings_saved, sender=model, dispatch_uid=f"page-cache-set-{uid}")
            post_delete.connect(invalidate, sender=model, dispatch_uid=f"page-cache-unset-{uid}")


# --- serving ------------------------------------------------------------------


def _route_key(request) -> str:
    return f"cms:page-cache:route:{request.scheme}://{request.get_host()}{request.path}"


def _page_key(gen: str, request, query: str) -> str:
    return f"cms:page-cache:{gen}:{request.scheme}://{request.get_host()}{request.path}?{query}"


def mark_page(request, page) -> None:
    """Called by ``cms.views.serve``: this request shows ``page``, so it may be cached."""
    request.page_cache_normaliser = _normaliser_of_page.get(type(page), "default")


def replay_on_hit(request, hook_name: str, payload) -> None:
    """Have every later hit of the page ``request`` renders call hook ``hook_name``.

    Each function registered for ``hook_name`` is called as
    ``function(request, payload)`` with the hit's request (see the module's
    docstring, *Replays*). Nothing happens if the page is not cached.
    """
    request.__dict__.setdefault("page_cache_replays", []).append((hook_name, payload))


def _replay(request, replays) -> None:
    for hook_name, payload in replays:
        for function in hooks.get_hooks(hook_name):
            try:
                function(request, payload)
            except Exception:
                logger.exception("Replaying %s on a cached page failed", hook_name)


def _may_be_cached_for(request) -> bool:
    """Could this request be answered from the cache (before anything is rendered)?"""
    if request.method not in ("GET", "HEAD") or not settings.PAGE_CACHE_ENABLED:
        return False
    if settings.SESSION_COOKIE_NAME in request.COOKIES:
        return False  # signed in (or was): their own page
    if getattr(settings, "MESSAGE_COOKIE_NAME", "messages") in request.COOKIES:
        return False  # a message to show once
    return not request.path_info.startswith(settings.PAGE_CACHE_SKIP_PREFIXES)


def _storable(request, response) -> bool:
    return (
        request.method == "GET"
        and hasattr(request, "page_cache_normaliser")
        and response.status_code == 200
        and not response.streaming
        and not response.cookies
        # get_token() was called: the page holds this visitor's CSRF token.
        and not request.META.get("CSRF_COOKIE_NEEDS_UPDATE")
        and not (hasattr(request, "user") and request.user.is_authenticated)
        and "private" not in response.get("Cache-Control", "")
        and "no-store" not in response.get("Cache-Control", "")
    )


def _public_headers(response) -> None:
    patch_cache_control(
        response,
        public=True,
        max_age=settings.PAGE_CACHE_MAX_AGE,
        s_maxage=settings.PAGE_CACHE_SHARED_MAX_AGE,
    )
    # The same address is someone else's page with a session cookie.
    patch_vary_headers(response, ("Cookie",))


class PageCacheMiddleware:
    """Serve and keep anonymous pages (see the module's docstring).

    Sits after WhiteNoise and before the session: a hit needs neither.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        # The cache remembers its answers for this request (cms.cache).
        with request_reads() as reads:
            response = self._respond(request, reads)
        if reads.later:
            # Kept values and this page's entry are written once the WSGI
            # server has sent the response and closes it (cms.cache).
            response._resource_closers.append(reads.write_later)
        return response

    def _respond(self, request, reads):
        if not _may_be_cached_for(request):
            response = self.get_response(request)
            if hasattr(request, "page_cache_normaliser"):
                # A page rendered for one person: no cache on the way may keep it.
                patch_cache_control(response, private=True, no_store=True)
            return response

        route_key = _route_key(request)
        found = cache.get_many([GENERATION_KEY, route_key])
        gen = found.get(GENERATION_KEY) or generation()
        route = found.get(route_key)
        if route is not None and route["generation"] == gen:
            query = _normalisers[route["normaliser"]](request.GET)
            if query is None:
                return self.get_response(request)
            cached = cache.get(_page_key(gen, request, query))
            if cached is not None:
                response = HttpResponse(cached["content"], status=200, headers=cached["headers"])
                response[HEADER] = "hit"
                _replay(request, cached.get("replays", ()))
                return response
        if route is not None:
            # A miss: what this page read from the cache when it was last
            # rendered (its renditions, the frame...) in one round trip;
            # whatever changed since reads as a miss and is rebuilt as usual.
            # Kept values named after the generation are asked for under today's.
            reads.prefetch(route.get("reads"), renamed=(route["generation"], gen))

        response = self.get_response(request)
        if not _storable(request, response):
            if hasattr(request, "page_cache_normaliser"):
                patch_cache_control(response, private=True, no_store=True)
            return response
        name = request.page_cache_normaliser
        query = _normalisers[name](request.GET)
        _public_headers(response)
        if query is not None:
            timeout = settings.PAGE_CACHE_TIMEOUT
            entry = {
                "content": response.content,
                "headers": dict(response.items()),
                "replays": getattr(request, "page_cache_replays", []),
            }
            # After the response has gone: the route says its generation,
            # the entry is named after it.
            set_many_later(
                cache,
                {
                    route_key: {"generation": gen, "normaliser": name, "reads": reads.recorded()},
                    _page_key(gen, request, query): entry,
                },
                timeout,
            )
        response[HEADER] = "miss"
        return response
