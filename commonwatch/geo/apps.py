from django.apps import AppConfig


class GeoConfig(AppConfig):
    name = "commonwatch.geo"
    label = "geo"
