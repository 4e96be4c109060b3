"""Post alerts move into the one notifications model (kind community.post_alert)."""

from django.db import migrations

POST_ALERT = "community.post_alert"
BATCH = 5000


def to_notifications(apps, schema_editor):
    Alert = apps.get_model("community", "Alert")
    Notification = apps.get_model("notifications", "Notification")
    rows = Alert.objects.order_by("pk").values_list(
        "user_id", "post_id", "created_at", "seen", "digested"
    )
    batch = []
    for user_id, post_id, created_at, seen, digested in rows.iterator(chunk_size=BATCH):
        batch.append(
            Notification(
                recipient_id=user_id,
                kind=POST_ALERT,
                subject_id=post_id,
                created_at=created_at,
                read_at=created_at if seen else None,
                emailed_at=created_at if digested else None,
            )
        )
        if len(batch) >= BATCH:
            Notification.objects.bulk_create(batch, ignore_conflicts=True)
            batch = []
    Notification.objects.bulk_create(batch, ignore_conflicts=True)


class Migration(migrations.Migration):
    dependencies = [
        ("community", "0010_authors_who_left"),
        ("notifications", "0001_initial"),
    ]

    operations = [
        migrations.RunPython(to_notifications, migrations.RunPython.noop),
        migrations.DeleteModel(name="Alert"),
    ]
