from django.apps import AppConfig


class CommunityConfig(AppConfig):
    name = "commonwatch.community"
    label = "community"

    def ready(self) -> None:
        from commonwatch.accounts import closing as accounts_closing
        from commonwatch.media import hooks as media_hooks

        from . import alerts, closing, live, policies, selectors, tasks  # noqa: F401 - actions, handlers

        alerts.declare()
        accounts_closing.closing_steps.append(closing.close_author)
        accounts_closing.closing_summaries.append(closing.summary)
        media_hooks.readers.append(selectors.may_see_post_media)
