from django.apps import AppConfig


class ShowcaseConfig(AppConfig):
    name = "showcase"
    verbose_name = "Showcase"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        # Imported here, not at the top: they use the models, which exist only
        # once the app registry is loaded.
        # Companies are found by the work in their projects: add project text to
        # their search documents and re-index them when a project changes.
        from wagtail.embeds.models import Embed

        from cms.page_cache import invalidate_on, register_query_normaliser

        from . import listing, search
        from .models import ShowcaseIndexPage

        search.connect()
        # A project's page describes its video from the stored oEmbed answer,
        # which the worker stores after the page is published.
        invalidate_on(Embed)
        # Cached whole for anonymous visitors, one entry per set of filters.
        register_query_normaliser(ShowcaseIndexPage, listing.normalised_query)
