from django.apps import AppConfig


class MembersConfig(AppConfig):
    name = "members"
    label = "members"
    verbose_name = "Member self-service"

    def ready(self):
        # Decision emails, and private uploads published or deleted as editors act.
        # Imported here: signal handlers need the app registry ready.
        from cms.page_cache import invalidate_on

        from . import signals
        from .models import PrivateUpload

        signals.connect()
        # An approved upload's files are made public after the page is
        # published (members.private_uploads.publish, on the worker) and its
        # row deleted then: pages cached in between link the private files.
        invalidate_on(PrivateUpload)
