from django.urls import path

from . import views

app_name = "media"
urlpatterns = [
    path("<int:media_id>/", views.media_file, name="file"),
    path("<int:media_id>/thumbnail/", views.thumbnail, name="thumbnail"),
]
