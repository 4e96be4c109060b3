from django.urls import path

from . import clip_views

app_name = "clips"
urlpatterns = [
    path("", clip_views.clip_library, name="library"),
    path("<int:clip_id>/", clip_views.clip_page, name="clip"),
    path("<int:clip_id>/video", clip_views.clip_video, name="video"),
    path("<int:clip_id>/download", clip_views.clip_download, name="download"),
    path("<int:clip_id>/thumbnail", clip_views.clip_thumbnail, name="thumbnail"),
    path("<int:clip_id>/delete/", clip_views.delete_clip, name="delete"),
    path("refusals/<int:refusal_id>/dismiss/", clip_views.dismiss_refusal, name="dismiss_refusal"),
]
