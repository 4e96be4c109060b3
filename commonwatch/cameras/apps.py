from django.apps import AppConfig


class CamerasConfig(AppConfig):
    name = "commonwatch.cameras"
    label = "cameras"

    def ready(self) -> None:
        from commonwatch.accounts import closing

        from . import policies, services  # noqa: F401 - policies: the owner's action
        from .imports import policies as import_policies  # noqa: F401 - the import action
        from .imports import services as import_services  # noqa: F401 - its handlers

        closing.closing_steps.append(services.close_camera_owner)
