from django.apps import AppConfig


class CommunityConfig(AppConfig):
    name = "commonwatch.community"
    label = "community"

    def ready(self) -> None:
        from commonwatch.accounts import closing as accounts_closing

        from . import alerts, closing, live, policies, tasks  # noqa: F401 - actions, handlers

        alerts.declare()
        accounts_closing.closing_steps.append(closing.close_author)
        accounts_closing.closing_summaries.append(closing.summary)
