from django.apps import AppConfig
from django.db import connections
from django.db.models.signals import post_migrate


def _keep_search_index(sender, using, **kwargs) -> None:
    """SQLite loses the search triggers when a migration rebuilds community_post."""
    from .search import ensure_sqlite_index

    ensure_sqlite_index(connections[using])


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
        post_migrate.connect(_keep_search_index, sender=self)
