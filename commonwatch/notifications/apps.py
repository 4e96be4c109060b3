from django.apps import AppConfig


class NotificationsConfig(AppConfig):
    """Everything a person is told: an inbox, per-kind preferences, delivery by channel."""

    name = "commonwatch.notifications"
    label = "notifications"

    def ready(self) -> None:
        from commonwatch.accounts import closing

        from . import checks, services  # noqa: F401 - checks register themselves

        closing.closing_steps.append(services.forget_closed_account)
