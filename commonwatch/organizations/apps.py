from django.apps import AppConfig


class OrganizationsConfig(AppConfig):
    """Agencies, oversight bodies, moderation teams, legal review, and who belongs."""

    name = "commonwatch.organizations"
    label = "organizations"

    def ready(self) -> None:
        from . import policies  # noqa: F401 - declares the organizations' actions
