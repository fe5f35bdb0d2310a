from django.apps import AppConfig


class DirectorySearchConfig(AppConfig):
    name = "directory.search"
    label = "directory_search"
    verbose_name = "Directory search"

    def ready(self):
        # Live index sync: publish/unpublish/delete/move and taxonomy renames.
        from . import sync

        sync.connect()
