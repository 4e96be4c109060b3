from django.urls import path

from . import views

app_name = "community"
urlpatterns = [
    path("", views.feed, name="feed"),
    path("new/", views.new_post, name="new"),
    path("preview/", views.preview, name="preview"),
    path("map/", views.map_page, name="map"),
    path("posts/<int:post_id>/", views.post_detail, name="post"),
    path("posts/<int:post_id>/edit/", views.edit_post, name="edit"),
    path("posts/<int:post_id>/delete/", views.delete_post, name="delete"),
    path("posts/<int:post_id>/comments/", views.comment, name="comment"),
    path("posts/<int:post_id>/resolved/", views.resolve_post, name="resolve"),
]
