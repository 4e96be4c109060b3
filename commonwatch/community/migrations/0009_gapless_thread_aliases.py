"""Number each thread's neighbors by their first published comment, without gaps.

Aliases used to be given when a comment was sent, so a comment still waiting or
turned down left a hole in the numbers readers see. The author stays #1.
"""

from django.db import migrations
from django.db.models import Min



def renumber(apps, schema_editor):
    Post = apps.get_model("community", "Post")
    Comment = apps.get_model("community", "Comment")
    ThreadAlias = apps.get_model("community", "ThreadAlias")
    threads = ThreadAlias.objects.filter(number__gt=1).values_list("post_id", flat=True).distinct()
    for post_id in list(threads):
        author_id = Post.objects.filter(pk=post_id).values_list("author_id", flat=True).first()
        first_published = (
            Comment.objects.filter(post_id=post_id, status="published")
            .exclude(author_id=author_id)
            .values("author_id")
            .annotate(first=Min("published_at"))
            .order_by("first", "author_id")
        )
        order = [row["author_id"] for row in first_published]
        ThreadAlias.objects.filter(post_id=post_id, number__gt=1).delete()
        ThreadAlias.objects.bulk_create(
            ThreadAlias(post_id=post_id, user_id=user_id, number=number)
            for number, user_id in enumerate(order, start=2)
        )


class Migration(migrations.Migration):
    dependencies = [("community", "0008_post_public_point")]

    operations = [migrations.RunPython(renumber, migrations.RunPython.noop)]
