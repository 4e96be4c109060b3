from django.urls import path

from . import views

app_name = "accounts"
urlpatterns = [
    path("", views.account_settings, name="settings"),
    path("home/", views.home_settings, name="home"),
    path("tokens/", views.api_tokens, name="api_tokens"),
    path("tokens/<int:token_id>/revoke/", views.revoke_api_token, name="revoke_api_token"),
    path("delete/", views.delete_account, name="delete"),
    path("sign-in-code/another-address/", views.another_code_address, name="another_code_address"),
]
