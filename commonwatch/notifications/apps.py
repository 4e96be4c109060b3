from django.apps import AppConfig


class NotificationsConfig(AppConfig):
    """Everything a person is told: an inbox, per-kind preferences, delivery by channel."""

    name = "commonwatch.notifications"
    label = "notifications"

    def ready(self) -> None:
        from django.contrib.auth.signals import user_logged_out

        from commonwatch.accounts import closing

        from . import checks, services  # noqa: F401 - checks register themselves

        closing.closing_steps.append(services.forget_closed_account)
        user_logged_out.connect(
            services.forget_session_devices, dispatch_uid="forget_session_push_devices"
        )
