from django.apps import AppConfig


class CommunityConfig(AppConfig):
    name = "commonwatch.community"
    label = "community"

    def ready(self) -> None:
        from . import tasks  # noqa: F401 - registers the feed's outbox handlers
