from django.apps import AppConfig


class CoreConfig(AppConfig):
    """What every other app stands on: errors, the resilient cache, tasks and the outbox.

    Imports nothing from the other apps; they register their outbox handlers here
    (core.outbox.handler) instead of core importing them.
    """

    name = "commonwatch.core"
    label = "core"
