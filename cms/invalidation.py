"""Cache entries that are cleared when the rows behind them change.

Small lists every request needs (synonyms, town names, facet labels, the
terms suggestions search, whether any page is private) live in the shared
cache rather than being read from the database per request. Each is cleared
whenever a row it is built from is saved or deleted: at once, and again after
the transaction commits, because a request between the change and its commit
would read the old rows and cache them again for the entry's whole lifetime.
"""

from __future__ import annotations

from collections.abc import Callable

from django.core.cache import cache
from django.db import transaction
from django.db.models import Model
from django.db.models.signals import post_delete, post_save


def forget(key: str) -> None:
    """Delete ``key`` from the cache now and again once the current transaction commits."""
    cache.delete(key)
    transaction.on_commit(lambda: cache.delete(key))


def forget_on_change(key: str, *models: type[Model] | str, uid: str) -> Callable[..., None]:
    """Clear ``key`` whenever a row of any of ``models`` is saved or deleted.

    ``models`` may be classes or "app_label.ModelName" strings (connected once
    the model is loaded). ``uid`` names the connections, so that importing a
    module twice does not connect them twice. Returns the receiver.
    """

    def receiver(**kwargs) -> None:
        forget(key)

    for model in models:
        label = model if isinstance(model, str) else model._meta.label_lower
        post_save.connect(receiver, sender=model, weak=False, dispatch_uid=f"{uid}-{label}-save")
        post_delete.connect(
            receiver, sender=model, weak=False, dispatch_uid=f"{uid}-{label}-delete"
        )
    return receiver
