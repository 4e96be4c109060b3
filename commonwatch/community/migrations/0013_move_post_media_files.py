"""Each existing post photo or video becomes a processed file of commonwatch.media.

The files stay where they are: the media storage is MEDIA_ROOT in the embedded mode,
as the post media's was. They were cleaned when uploaded, so they are READY.
"""

from django.db import migrations


def move_files(apps, schema_editor):
    PostMedia = apps.get_model("community", "PostMedia")
    MediaFile = apps.get_model("media", "MediaFile")
    for attached in PostMedia.objects.filter(media_file=None).select_related("post").iterator():
        attached.media_file = MediaFile.objects.create(
            owner_id=attached.post.author_id,
            kind=attached.kind,
            status="ready",
            name=attached.file.name,
            content_type=attached.content_type,
            size=attached.size,
            width=attached.width,
            height=attached.height,
            duration_s=attached.duration_s,
            created_at=attached.post.created_at,
            processed_at=attached.post.created_at,
        )
        attached.save(update_fields=["media_file"])


def move_back(apps, schema_editor):
    PostMedia = apps.get_model("community", "PostMedia")
    for attached in PostMedia.objects.select_related("media_file").iterator():
        item = attached.media_file
        attached.kind, attached.file, attached.content_type = item.kind, item.name, item.content_type
        attached.size, attached.width, attached.height = item.size, item.width, item.height
        attached.duration_s = item.duration_s
        attached.save()


class Migration(migrations.Migration):
    dependencies = [
        ("community", "0012_postmedia_media_file"),
        ("media", "0001_initial"),
    ]

    operations = [migrations.RunPython(move_files, move_back)]
