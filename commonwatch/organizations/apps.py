from django.apps import AppConfig


class OrganizationsConfig(AppConfig):
    """Agencies, oversight bodies, moderation teams, legal review, and who belongs."""

    name = "commonwatch.organizations"
    label = "organizations"

    def ready(self) -> None:
        from commonwatch.accounts import closing

        from . import policies, services  # noqa: F401 - declares the organizations' actions

        closing.closing_steps.append(services.end_memberships_of_closed_account)
        closing.closing_summaries.append(services.memberships_summary)
