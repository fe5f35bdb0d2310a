from django.apps import AppConfig


class CommissionersConfig(AppConfig):
    name = "commissioners"
    label = "commissioners"
    verbose_name = "Commissioners"

    def ready(self):
        # Imported here: signal receivers and the API router need the app registry.
        from . import api, signals

        signals.connect()
        api.register()
