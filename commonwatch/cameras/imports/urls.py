from django.urls import path

from . import views

app_name = "clip_imports"
urlpatterns = [
    path("", views.clip_imports, name="imports"),
    path("<int:import_id>/", views.clip_import, name="detail"),
    path("<int:import_id>/progress/", views.progress, name="progress"),
    path("<int:import_id>/files/", views.add_files, name="add_files"),
]
