from django.apps import AppConfig
from django.db import connections
from django.db.models.signals import post_migrate

SEARCH_MIGRATION = ("community", "0015_post_resolved_and_search")


def _keep_search_index(sender, using, **kwargs) -> None:
    """SQLite loses the search triggers when a migration rebuilds community_post: put
    them back, unless the migration that made them was itself undone."""
    from django.db.migrations.recorder import MigrationRecorder

    from .search import ensure_sqlite_index

    connection = connections[using]
    if connection.vendor != "sqlite":
        return
    if SEARCH_MIGRATION in MigrationRecorder(connection).applied_migrations():
        ensure_sqlite_index(connection)


class CommunityConfig(AppConfig):
    name = "commonwatch.community"
    label = "community"

    def ready(self) -> None:
        from commonwatch.accounts import adapters
        from commonwatch.accounts import closing as accounts_closing
        from commonwatch.media import hooks as media_hooks

        from . import alerts, closing, live, policies, replies, selectors, tasks, views  # noqa: F401 - actions, handlers

        alerts.declare()
        replies.declare()
        adapters.everyday_pages.append(views.residents_landing)
        accounts_closing.closing_steps.append(closing.close_author)
        accounts_closing.closing_summaries.append(closing.summary)
        media_hooks.readers.append(selectors.may_see_post_media)
        post_migrate.connect(_keep_search_index, sender=self)
