"""Bulk import of clips exported from another camera app: a folder or a zip of videos.

The files arrive (a page's multipart POST, or an operator's folder or zip on disk), each
is judged before its bytes are kept (a video? a duplicate by content hash?), and the
ones kept wait privately until a task reads when they were recorded and makes a clip of
each (cameras.services.add_clip). Every file ends with an outcome and its reason.
"""
