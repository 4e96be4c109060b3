"""Comment notices' mutes name the post whose comments they silence, not one comment.

Until now a mute of a comment notice was kept by the comment's id, which stopped only
that one notice. The comments on one's own post are now one thread, named by the
post's id: each such mute becomes a mute of its comment's post (once per person and
post), and one whose comment is gone is dropped.
"""

from django.db import migrations

COMMENT = "community.comment"


def mutes_name_their_post(apps, schema_editor):
    MutedThread = apps.get_model("notifications", "MutedThread")
    Comment = apps.get_model("community", "Comment")
    rows = list(MutedThread.objects.filter(kind=COMMENT).order_by("muted_at", "pk"))
    posts = dict(
        Comment.objects.filter(pk__in=[r.subject_id for r in rows]).values_list("pk", "post_id")
    )
    # Made anew, not updated in place: a comment's id may be another row's post id.
    threads = {}
    for row in rows:
        post = posts.get(row.subject_id)
        if post is not None:
            threads.setdefault(
                (row.user_id, post),
                MutedThread(
                    user_id=row.user_id, kind=COMMENT, subject_id=post, muted_at=row.muted_at
                ),
            )
    MutedThread.objects.filter(kind=COMMENT).delete()
    MutedThread.objects.bulk_create(threads.values())


class Migration(migrations.Migration):
    dependencies = [
        ("community", "0018_posting_when_descriptions_revisions"),
        ("notifications", "0002_deliveries_per_topic"),
    ]

    operations = [migrations.RunPython(mutes_name_their_post, migrations.RunPython.noop)]
