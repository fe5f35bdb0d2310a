from django.apps import AppConfig


class CmsConfig(AppConfig):
    name = "cms"
    verbose_name = "Site content"

    def ready(self):
        from . import frame

        frame.connect()
