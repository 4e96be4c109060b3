from django.urls import path

from . import views

app_name = "organizations"
urlpatterns = [
    path("", views.mine, name="mine"),
    path("new/", views.create, name="create"),
    path("invitations/<str:token>/", views.invitation, name="invitation"),
    path("<slug:slug>/", views.organization, name="organization"),
    path("<slug:slug>/invite/", views.invite, name="invite"),
    path("<slug:slug>/leave/", views.leave, name="leave"),
    path("<slug:slug>/members/<int:membership_id>/revoke/", views.revoke, name="revoke"),
    path("<slug:slug>/members/<int:membership_id>/role/", views.change_role, name="change_role"),
    path(
        "<slug:slug>/invitations/<int:invitation_id>/withdraw/",
        views.withdraw,
        name="withdraw",
    ),
    path("<slug:slug>/security-keys/", views.security_keys, name="security_keys"),
]
