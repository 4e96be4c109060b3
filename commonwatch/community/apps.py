from django.apps import AppConfig


class CommunityConfig(AppConfig):
    name = "commonwatch.community"
    label = "community"
