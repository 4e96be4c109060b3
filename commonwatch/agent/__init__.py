"""commonwatch-agent: turns a camera that is not ours into a Commonwatch camera.

It watches a video source, cuts clips around motion inside the owner's motion zones,
and sends them to the server with tus. It runs on small boxes next to the camera, so it
imports neither Django nor the server's apps (an import-linter contract holds it to that).
"""
