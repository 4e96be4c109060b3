from django.contrib import admin
from django.urls import include, path

from commonwatch.web.api import api

urlpatterns = [
    # First: the API is the most requested, and nothing else lives under api/.
    path("api/v1/", api.urls),
    path("", include("commonwatch.web.urls")),
    path("account/", include("commonwatch.accounts.urls")),
    path("feed/", include("commonwatch.community.urls")),
    path("cameras/", include("commonwatch.cameras.urls")),
    path("media/", include("commonwatch.media.urls")),
    path("clips/upload/", include("commonwatch.cameras.upload_page")),
    path("clips/import/", include("commonwatch.cameras.imports.urls")),
    path("clips/", include("commonwatch.cameras.clip_urls")),
    path("moderation/", include("commonwatch.moderation.urls")),
    path("organizations/", include("commonwatch.organizations.urls")),
    path("notifications/", include("commonwatch.notifications.urls")),
    path("", include("commonwatch.notifications.root_urls")),
    path("accounts/", include("allauth.urls")),
    path("admin/", admin.site.urls),
]

# Under /api/ a 404 is JSON like the API's own; elsewhere the site's page.
handler404 = "commonwatch.web.views.page_not_found"
