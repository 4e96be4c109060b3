"""ASGI entry point (daphne, uvicorn): HTTP pages and API, and the live feed socket."""

import gc
import os
import re

import django

from config.startup import load_settings_or_exit, refuse_failed_checks_or_exit

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
load_settings_or_exit()
django.setup(set_prefix=False)  # as get_asgi_application does
refuse_failed_checks_or_exit()

from commonwatch.core.asgi import SyncStackASGIHandler  # noqa: E402

django_asgi_app = SyncStackASGIHandler()

from channels.auth import AuthMiddlewareStack  # noqa: E402
from channels.routing import ProtocolTypeRouter, URLRouter  # noqa: E402
from channels.security.websocket import AllowedHostsOriginValidator  # noqa: E402

from commonwatch.cameras.asgi import StagedClipBytes  # noqa: E402
from commonwatch.core.asgi import OwnThreads  # noqa: E402
from commonwatch.media.asgi import FileUploadThreads, UploadSizeLimit  # noqa: E402
from config.websockets import websocket_urlpatterns  # noqa: E402

application = ProtocolTypeRouter(
    {
        "http": UploadSizeLimit(
            StagedClipBytes(
                # An address search waits for the geocoder (up to GEOCODER_TIMEOUT_SECONDS).
                OwnThreads(
                    # A request carrying files waits for the storage (S3) to take them.
                    FileUploadThreads(django_asgi_app),
                    path=re.compile("/api/v1/places"),
                    threads=4,
                    name="geocoder",
                )
            )
        ),
        "websocket": AllowedHostsOriginValidator(
            AuthMiddlewareStack(URLRouter(websocket_urlpatterns))
        ),
    }
)

# Everything loaded so far lives as long as the process: keep it out of the garbage
# collector's generations, which otherwise pause requests for tens of milliseconds.
gc.collect()
gc.freeze()
