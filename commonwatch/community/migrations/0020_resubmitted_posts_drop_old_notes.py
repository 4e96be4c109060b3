"""A rejected post its author edited and sent back to review keeps no rejection note.

Until now a resubmitted post kept the note of the rejection its edit answered, and
its author read that note on "My posts" and the post's page as if the post were still
rejected. A note is only ever written by a rejection and emptied on publication, so a
post waiting with a note is such a resubmission: the note goes (the rejection itself
stays in the post's moderation decisions).
"""

from django.db import migrations


def drop_old_notes(apps, schema_editor):
    Post = apps.get_model("community", "Post")
    Post.objects.filter(status="pending").exclude(moderation_note="").update(moderation_note="")


class Migration(migrations.Migration):
    dependencies = [("community", "0019_comment_mutes_name_their_post")]

    operations = [migrations.RunPython(drop_old_notes, migrations.RunPython.noop)]
