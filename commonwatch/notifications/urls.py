from django.urls import path

from . import views

app_name = "notifications"
urlpatterns = [
    path("", views.inbox, name="inbox"),
    path("read/", views.mark_all_read, name="mark_all_read"),
    path("settings/", views.settings, name="settings"),
    path("muted/<int:thread_id>/unmute/", views.unmute_thread, name="unmute_thread"),
    path("unsubscribe/<str:token>/", views.unsubscribe, name="unsubscribe"),
    path("mute/<str:token>/", views.mute, name="mute"),
]
