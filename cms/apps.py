from django.apps import AppConfig
from django.db.models.signals import post_migrate

from . import checks  # noqa: F401 (registers the deploy checks)


class CmsConfig(AppConfig):
    name = "cms"
    verbose_name = "Site content"

    def ready(self):
        # In ready(): the frame reads the page models, which exist only once
        # the app registry is loaded.
        from . import frame, page_cache, routing
        from .models import NewsIndexPage

        frame.connect()
        page_cache.connect()
        routing.connect()
        # A release's data migrations change rows without signals: whatever
        # the cache kept from before (pages, routes, kept rows) is forgotten.
        post_migrate.connect(page_cache.rows_changed, sender=self, dispatch_uid="cms-migrated")
        post_migrate.connect(
            page_cache.taxonomy_changed, sender=self, dispatch_uid="cms-taxonomy-migrated"
        )
        post_migrate.connect(routing.forget_sites, sender=self, dispatch_uid="cms-sites-migrated")
        page_cache.register_query_normaliser(NewsIndexPage, NewsIndexPage.normalised_query)
