"""The daily digest choice moves to the notification settings (e-mail, post alerts)."""

from django.db import migrations

POST_ALERT, EMAIL = "community.post_alert", "email"


def to_choices(apps, schema_editor):
    User = apps.get_model("accounts", "User")
    Preference = apps.get_model("notifications", "Preference")
    asked = User.objects.filter(daily_digest=True).values_list("pk", flat=True)
    Preference.objects.bulk_create(
        [Preference(user_id=pk, kind=POST_ALERT, channel=EMAIL, enabled=True) for pk in asked],
        ignore_conflicts=True,
        batch_size=1000,
    )


def from_choices(apps, schema_editor):
    User = apps.get_model("accounts", "User")
    Preference = apps.get_model("notifications", "Preference")
    asked = Preference.objects.filter(kind=POST_ALERT, channel=EMAIL, enabled=True)
    User.objects.filter(pk__in=asked.values("user")).update(daily_digest=True)


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0008_closed_accounts"),
        ("notifications", "0001_initial"),
    ]

    operations = [
        migrations.RunPython(to_choices, from_choices),
        migrations.RemoveField(model_name="user", name="daily_digest"),
    ]
