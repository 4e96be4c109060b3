from django.apps import AppConfig
from django.contrib.admin import apps as admin_apps
from django.db.backends.signals import connection_created


class CoreConfig(AppConfig):
    """What every other app stands on: errors, the resilient cache, tasks and the outbox.

    Imports nothing from the other apps; they register their outbox handlers here
    (core.outbox.handler) instead of core importing them.
    """

    name = "commonwatch.core"
    label = "core"

    def ready(self) -> None:
        from . import checks  # noqa: F401 - registers the deploy checks
        from .log_secrets import hide_secret_links_in_request_logs
        from .postgres import use_c_timestamptz_loader

        hide_secret_links_in_request_logs()
        connection_created.connect(use_c_timestamptz_loader, dispatch_uid="c_timestamptz")


class OperatorAdminConfig(admin_apps.AdminConfig):
    """django.contrib.admin, on the allow-listed operator's site (core.admin_site)."""

    default = False  # named in INSTALLED_APPS; "commonwatch.core" stays CoreConfig
    default_site = "commonwatch.core.admin_site.OperatorAdminSite"
