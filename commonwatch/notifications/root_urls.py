"""The service worker, at the site root: a worker controls only pages under its path."""

from django.urls import path

from . import views

app_name = "webpush"
urlpatterns = [path("service-worker.js", views.service_worker, name="service_worker")]
