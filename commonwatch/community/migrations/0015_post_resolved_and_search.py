from django.contrib.postgres.indexes import GinIndex
from django.db import migrations, models

from commonwatch.community.search import FTS_TEARDOWN, ensure_sqlite_index, post_vector

SEARCH_INDEX = "post_search"


def add_search_index(apps, schema_editor):
    """PostgreSQL: a GIN index on the tsvector the search compiles; SQLite: FTS5."""
    post = apps.get_model("community", "Post")
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.add_index(post, GinIndex(post_vector(), name=SEARCH_INDEX))
    else:
        ensure_sqlite_index(schema_editor.connection)


def remove_search_index(apps, schema_editor):
    post = apps.get_model("community", "Post")
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.remove_index(post, GinIndex(post_vector(), name=SEARCH_INDEX))
        return
    for statement in FTS_TEARDOWN:
        schema_editor.execute(statement)


class Migration(migrations.Migration):
    dependencies = [("community", "0014_post_media_is_a_media_file")]

    operations = [
        migrations.AddField(
            model_name="post",
            name="resolved_at",
            field=models.DateTimeField(blank=True, null=True),
        ),
        migrations.RunPython(add_search_index, remove_search_index),
    ]
