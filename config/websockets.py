"""WebSocket routes. Each consumer states who may connect in its docstring and connect()."""

from django.urls import path

from commonwatch.community.consumers import FeedConsumer

websocket_urlpatterns = [path("ws/feed/", FeedConsumer.as_asgi())]
