from django.apps import AppConfig


class ModerationConfig(AppConfig):
    name = "commonwatch.moderation"
    label = "moderation"
