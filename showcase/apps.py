from django.apps import AppConfig


class ShowcaseConfig(AppConfig):
    name = "showcase"
    verbose_name = "Showcase"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        # Companies are found by the work in their projects: add project text to
        # their search documents and re-index them when a project changes.
        from . import search

        search.connect()
