from django.apps import AppConfig


class MembersConfig(AppConfig):
    name = "directory.members"
    label = "members"
    verbose_name = "Member self-service"

    def ready(self):
        # Emails the member who submitted a change when an editor decides on it.
        from . import signals

        signals.connect()
