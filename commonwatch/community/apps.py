from django.apps import AppConfig


class CommunityConfig(AppConfig):
    name = "commonwatch.community"
    label = "community"

    def ready(self) -> None:
        from . import policies, tasks  # noqa: F401 - declare actions, outbox handlers
