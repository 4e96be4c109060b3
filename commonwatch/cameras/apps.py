from django.apps import AppConfig


class CamerasConfig(AppConfig):
    name = "commonwatch.cameras"
    label = "cameras"

    def ready(self) -> None:
        from . import policies  # noqa: F401 - declares the cameras' actions
