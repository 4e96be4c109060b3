from django.apps import AppConfig


class DemoConfig(AppConfig):
    name = "commonwatch.demo"
    label = "demo"
