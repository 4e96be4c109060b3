from django.apps import AppConfig


class GeoConfig(AppConfig):
    name = "commonwatch.geo"
    label = "geo"

    def ready(self) -> None:
        from . import tasks  # noqa: F401 - outbox handlers
