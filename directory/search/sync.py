"""Keep search up to date as editors work: receivers connected in ``apps.ready()``.

Two things happen for every change that can alter what the directory shows:

1. the database backend's entries are rewritten *inside* the edit's own
   transaction, so they commit or roll back with it (the database fallback is
   never stale, and tests see the change without committing);
2. a search engine (Elasticsearch) records the companies as pending, in the
   same transaction, and once it commits the background worker is asked to
   write them (``tasks.write_index_updates``). The edit never waits on the
   engine, and an unreachable engine cannot fail or slow an editor's save.

What counts as a change: publishing (``page_published``, after the page's
skills and sectors are saved), saving the live row (``post_save``, e.g. a
membership lapsing), unpublishing, deleting, moving (URLs change for the page
and everything below it), and renaming or deleting a skill, skill group,
sector, place or production (every company that uses it, or is credited on
it), and merging productions (``production_credits_moved``). ``DIRECTORY_SEARCH_LIVE_SYNC =
False`` switches all of this off (bulk imports then call
``rebuild_database_entries()`` once).

Other apps that add text to companies (see ``documents.register_text_contributor``)
call :func:`companies_changed` when that text changes.
"""

from __future__ import annotations

import logging
import threading
import weakref
from collections.abc import Iterable

from django.conf import settings
from django.db import transaction
from django.db.models.signals import post_delete, post_save, pre_delete, pre_save

from wagtail.signals import page_published, page_unpublished, post_page_move

from directory.models import (
    CompanyPage,
    Place,
    Production,
    Sector,
    Skill,
    SkillGroup,
    production_credits_moved,
)

from . import get_search_backend, indexing

logger = logging.getLogger(__name__)

# The batch of the transaction now open on this thread (a weak reference: see
# ``_Batch``). Django's connections are per thread, and so are transactions.
_current = threading.local()


def live_sync_enabled() -> bool:
    return getattr(settings, "DIRECTORY_SEARCH_LIVE_SYNC", True)


def companies_changed(company_ids: Iterable[int]) -> None:
    """Bring these companies up to date in the database entries now and the backend on commit."""
    ids = {int(i) for i in company_ids if i is not None}
    if not ids or not live_sync_enabled():
        return
    indexing.update_companies(ids)
    # A search engine may record the change durably in this same transaction
    # (Elasticsearch: PendingIndexUpdate rows, removed once it has the change).
    get_search_backend().changes_pending(sorted(ids))
    # Several signals fire for one publish: their ids join one batch, handed
    # to the backend in one call when the transaction commits.
    _add_to_batch(ids)


class _Batch:
    """The companies one transaction changed, handed to the backend after its commit.

    The transaction owns its batch: the batch *is* the ``on_commit``
    callback, and only Django's list of callbacks holds it (``_current`` keeps
    a weak reference). A commit runs it; a rollback, or the rollback of every
    savepoint it was registered in, discards it, and with it the ids of
    changes that did not happen; the next change then starts a new batch.
    Outside a transaction ``on_commit`` runs it at once. So no private state
    of Django's (its list of callbacks) is read to tell which is which.

    A discarded batch is gone at once on CPython (reference counting). An
    interpreter that collects it later might reuse it for the next change:
    its ids would then be written once more as they are in the database,
    which is harmless, never lost.
    """

    def __init__(self):
        self.ids: set[int] = set()
        self.sent = False

    def __call__(self) -> None:
        if self.sent:
            return
        self.sent = True
        get_search_backend().changes_committed(sorted(self.ids))


def _add_to_batch(ids: set[int]) -> None:
    reference = getattr(_current, "batch", None)
    batch = reference() if reference is not None else None
    if batch is None or batch.sent:
        batch = _Batch()
        _current.batch = weakref.ref(batch)
    batch.ids.update(ids)
    # Registered again by every change (it runs once: later runs find it
    # sent), so the batch lives as long as any savepoint that changed a
    # company does. robust: a failing hand-over is logged, never an error for
    # the editor, whose edit has committed already.
    transaction.on_commit(batch, robust=True)


# -- receivers ---------------------------------------------------------------


def _company_saved(sender, instance, raw=False, **kwargs):
    if not raw:
        companies_changed([instance.pk])


def _company_published_or_unpublished(sender, instance, **kwargs):
    companies_changed([instance.pk])


def _company_deleted(sender, instance, **kwargs):
    # The entry went with the page (cascade); the backend still has to forget it.
    companies_changed([instance.pk])


def _page_moved(sender, instance, **kwargs):
    ids = CompanyPage.objects.descendant_of(instance, inclusive=True).values_list("pk", flat=True)
    companies_changed(list(ids))


def _companies_using(instance) -> list[int]:
    if isinstance(instance, Skill):
        companies = CompanyPage.objects.filter(skills=instance)
    elif isinstance(instance, SkillGroup):
        companies = CompanyPage.objects.filter(skills__group=instance)
    elif isinstance(instance, Sector):
        companies = CompanyPage.objects.filter(sectors=instance)
    elif isinstance(instance, Place):
        companies = CompanyPage.objects.filter(place=instance)
    elif isinstance(instance, Production):
        companies = CompanyPage.objects.filter(credits__work=instance)
    else:
        return []
    return list(companies.values_list("pk", flat=True).distinct())


def _taxonomy_before_save(sender, instance, raw=False, **kwargs):
    # Remember whether what search shows (name, slug, coordinates, a skill's
    # group: its companies' departments; a production's title or client) is changing.
    if raw or instance.pk is None or not live_sync_enabled():
        instance._search_changed = False
        return
    fields = ("name", "slug", "latitude", "longitude", "group_id", "title", "client")
    watched = [f for f in fields if hasattr(instance, f)]
    before = sender.objects.filter(pk=instance.pk).values(*watched).first()
    instance._search_changed = before is None or any(
        before[f] != getattr(instance, f) for f in watched
    )


def _taxonomy_saved(sender, instance, raw=False, created=False, **kwargs):
    if not raw and not created and getattr(instance, "_search_changed", False):
        companies_changed(_companies_using(instance))


def _taxonomy_before_delete(sender, instance, **kwargs):
    instance._search_company_ids = _companies_using(instance) if live_sync_enabled() else []


def _taxonomy_deleted(sender, instance, **kwargs):
    companies_changed(getattr(instance, "_search_company_ids", []))


def _credits_moved(sender, company_ids=(), **kwargs):
    companies_changed(company_ids)


def connect() -> None:
    """Connect every receiver (called once from ``DirectorySearchConfig.ready``)."""
    uid = "directory_search_sync"
    post_save.connect(_company_saved, sender=CompanyPage, dispatch_uid=f"{uid}_saved")
    page_published.connect(
        _company_published_or_unpublished, sender=CompanyPage, dispatch_uid=f"{uid}_published"
    )
    page_unpublished.connect(
        _company_published_or_unpublished, sender=CompanyPage, dispatch_uid=f"{uid}_unpublished"
    )
    post_delete.connect(_company_deleted, sender=CompanyPage, dispatch_uid=f"{uid}_deleted")
    # Moving any page can change the URLs of the companies below it.
    post_page_move.connect(_page_moved, dispatch_uid=f"{uid}_moved")
    production_credits_moved.connect(_credits_moved, dispatch_uid=f"{uid}_credits_moved")
    for model in (Skill, SkillGroup, Sector, Place, Production):
        name = model.__name__
        pre_save.connect(_taxonomy_before_save, sender=model, dispatch_uid=f"{uid}_pre_{name}")
        post_save.connect(_taxonomy_saved, sender=model, dispatch_uid=f"{uid}_post_{name}")
        pre_delete.connect(
            _taxonomy_before_delete, sender=model, dispatch_uid=f"{uid}_predel_{name}"
        )
        post_delete.connect(_taxonomy_deleted, sender=model, dispatch_uid=f"{uid}_del_{name}")
