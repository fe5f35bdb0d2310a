from django.apps import AppConfig


class MembersConfig(AppConfig):
    name = "members"
    label = "members"
    verbose_name = "Member self-service"

    def ready(self):
        # Decision emails, and private uploads published or deleted as editors act.
        # Imported here: signal handlers need the app registry ready.
        from . import signals

        signals.connect()
