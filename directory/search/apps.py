from django.apps import AppConfig

from directory.presenters import register_presenter


class DirectorySearchConfig(AppConfig):
    name = "directory.search"
    label = "directory_search"
    verbose_name = "Directory search"

    def ready(self):
        # Imported here, not at the top: they use the models, which Django
        # loads only after every app's config (this module) is imported.
        from cms.page_cache import invalidate_on, register_query_normaliser
        from directory.models import DirectoryIndexPage

        from . import page, pins, results, sync  # noqa: F401 (pins: its cache's clearing)
        from .models import SearchPin, Synonym

        # The directory page shows a search: this layer builds its context.
        register_presenter(DirectoryIndexPage, page.directory_context)
        # Cached whole for anonymous visitors, one entry per search.
        register_query_normaliser(DirectoryIndexPage, page.normalised_query)
        # Live index sync: publish/unpublish/delete/move and taxonomy renames.
        sync.connect()
        # Facet labels are cached; a renamed or removed value clears them.
        results.connect()
        # A cached directory page shows what the synonyms and pins made of
        # its search: a change to either forgets the cached pages.
        invalidate_on(Synonym, SearchPin)
