from django.apps import AppConfig


class DirectorySearchConfig(AppConfig):
    name = "directory.search"
    label = "directory_search"
    verbose_name = "Directory search"
