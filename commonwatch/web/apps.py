from django.apps import AppConfig


class WebConfig(AppConfig):
    name = "commonwatch.web"
    label = "web"
