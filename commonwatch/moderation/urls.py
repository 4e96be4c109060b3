from django.urls import path

from . import views

app_name = "moderation"
urlpatterns = [
    path("", views.queue, name="queue"),
    path("posts/<int:post_id>/decision/", views.decide_post, name="decide_post"),
    path("posts/<int:post_id>/requeue/", views.requeue_post, name="requeue_post"),
    path("edits/<int:revision_id>/decision/", views.decide_edit, name="decide_edit"),
    path("comments/<int:comment_id>/decision/", views.decide_comment, name="decide_comment"),
    path("appeals/<int:appeal_id>/decision/", views.decide_appeal, name="decide_appeal"),
    path("posts/<int:post_id>/appeal/", views.appeal_post, name="appeal_post"),
    path("comments/<int:comment_id>/appeal/", views.appeal_comment, name="appeal_comment"),
    path("claims/<str:kind>/<int:item_id>/", views.claim, name="claim"),
    path("log/", views.log, name="log"),
    path("mine/", views.my_posts, name="mine"),
    path("posts/<int:post_id>/flags/", views.flag, name="flag"),
]
