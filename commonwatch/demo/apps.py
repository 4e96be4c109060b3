from django.apps import AppConfig


class DemoConfig(AppConfig):
    name = "commonwatch.demo"
    label = "demo"

    def ready(self) -> None:
        from commonwatch.geo.geocoding import register_backend

        from .geocoder import DemoGeocoder

        register_backend("demo", DemoGeocoder)
