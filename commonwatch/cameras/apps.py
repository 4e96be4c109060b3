from django.apps import AppConfig


class CamerasConfig(AppConfig):
    name = "commonwatch.cameras"
    label = "cameras"

    def ready(self):
        from commonwatch.accounts import closing

        from . import policies, services  # noqa: F401 - policies: the owner's action

        closing.closing_steps.append(services.close_camera_owner)
