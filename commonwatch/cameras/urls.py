from django.urls import path

from . import views

app_name = "cameras"
urlpatterns = [
    path("", views.camera_list, name="list"),
    path("new/", views.new_camera, name="new"),
    path("storage/", views.storage, name="storage"),
    path("<int:camera_id>/", views.camera_detail, name="camera"),
    path("<int:camera_id>/zones/", views.camera_zones, name="zones"),
    path("<int:camera_id>/token/", views.camera_token, name="token"),
    path("<int:camera_id>/token/revoke/", views.revoke_token, name="revoke_token"),
    path("<int:camera_id>/remove/", views.remove_camera, name="remove"),
]
