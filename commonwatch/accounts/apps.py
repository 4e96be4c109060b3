from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "commonwatch.accounts"
    label = "accounts"
