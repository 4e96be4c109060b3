from django.apps import AppConfig


class GeobenchConfig(AppConfig):
    name = "bench.geobench"
    label = "geobench"
    default_auto_field = "django.db.models.BigAutoField"
