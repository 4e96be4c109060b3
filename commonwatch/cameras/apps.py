from django.apps import AppConfig


class CamerasConfig(AppConfig):
    name = "commonwatch.cameras"
    label = "cameras"

    def ready(self) -> None:
        from .imports import policies, services  # noqa: F401 - the import action, its handlers
