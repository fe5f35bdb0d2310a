from django.apps import AppConfig

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
        page_cache.register_query_normaliser(NewsIndexPage, NewsIndexPage.normalised_query)
