from django.apps import AppConfig
from django.db.backends.signals import connection_created

from .forms import choices_refused_without_echo

# Here, as the first of the apps' modules loads, not in ready(): a form's field copies its
# messages when it is made, and the admin imported below makes its forms as it loads.
choices_refused_without_echo()

from django.contrib.admin import apps as admin_apps  # noqa: E402


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
