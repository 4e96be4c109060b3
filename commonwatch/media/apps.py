from django.apps import AppConfig


class MediaConfig(AppConfig):
    name = "commonwatch.media"
    label = "media"

    def ready(self) -> None:
        from . import policies, services  # noqa: F401 - the view action, the outbox handler
