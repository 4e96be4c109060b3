from django.apps import AppConfig
from django.db.backends.signals import connection_created


class WebConfig(AppConfig):
    name = "commonwatch.web"
    label = "web"

    def ready(self) -> None:
        from config.postgres import use_c_timestamptz_loader

        connection_created.connect(use_c_timestamptz_loader, dispatch_uid="c_timestamptz")
