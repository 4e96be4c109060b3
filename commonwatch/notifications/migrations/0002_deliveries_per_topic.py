"""Channel switches become one delivery per topic (post category); add quiet hours,
muted threads and push subscriptions.

A person who had turned the post alerts' e-mail on (then: a daily digest) keeps a
daily digest of every category; the other rows said "no e-mail", which every new
default also says, and go.
"""

import django.db.models.deletion
import django.utils.timezone
from django.conf import settings
from django.db import migrations, models

POST_ALERT = "community.post_alert"
# The post categories as they were when this ran (community.models.Category).
CATEGORIES = ["crime", "safety", "suspicious", "unexpected_visitor", "lost_pet", "community"]


def to_deliveries(apps, schema_editor):
    Preference = apps.get_model("notifications", "Preference")
    digest_readers = list(
        Preference.objects.filter(kind=POST_ALERT, channel="email", enabled=True).values_list(
            "user_id", flat=True
        )
    )
    Preference.objects.all().delete()
    Preference.objects.bulk_create(
        [
            Preference(
                user_id=user_id,
                kind=POST_ALERT,
                topic=topic,
                delivery="digest",
                channel="email",
                enabled=True,
            )
            for user_id in digest_readers
            for topic in CATEGORIES
        ],
        batch_size=1000,
    )
    _check_now(schema_editor)


def _check_now(schema_editor):
    """PostgreSQL: run the deferred foreign-key checks of the rows just written, or the
    ALTER TABLE that follows in this transaction is refused (pending trigger events)."""
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("SET CONSTRAINTS ALL IMMEDIATE")


def to_channels(apps, schema_editor):
    Preference = apps.get_model("notifications", "Preference")
    readers = set(
        Preference.objects.filter(kind=POST_ALERT, delivery="digest").values_list(
            "user_id", flat=True
        )
    )
    Preference.objects.all().delete()
    Preference.objects.bulk_create(
        [
            Preference(user_id=u, kind=POST_ALERT, channel="email", enabled=True, topic="")
            for u in readers
        ]
    )
    _check_now(schema_editor)


class Migration(migrations.Migration):
    dependencies = [
        ("notifications", "0001_initial"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.RemoveConstraint(model_name="preference", name="one_choice_per_channel"),
        migrations.AddField(
            model_name="preference",
            name="topic",
            field=models.CharField(blank=True, default="", max_length=40),
        ),
        migrations.AddField(
            model_name="preference",
            name="delivery",
            field=models.CharField(
                choices=[
                    ("push", "Instant push"),
                    ("email", "Instant e-mail"),
                    ("digest", "Daily digest"),
                    ("off", "Off"),
                ],
                max_length=8,
                null=True,
            ),
        ),
        migrations.RunPython(to_deliveries, to_channels),
        migrations.RemoveField(model_name="preference", name="channel"),
        migrations.RemoveField(model_name="preference", name="enabled"),
        migrations.AlterField(
            model_name="preference",
            name="delivery",
            field=models.CharField(
                choices=[
                    ("push", "Instant push"),
                    ("email", "Instant e-mail"),
                    ("digest", "Daily digest"),
                    ("off", "Off"),
                ],
                max_length=8,
            ),
        ),
        migrations.AddConstraint(
            model_name="preference",
            constraint=models.UniqueConstraint(
                fields=("user", "kind", "topic"), name="one_choice_per_topic"
            ),
        ),
        migrations.CreateModel(
            name="QuietHours",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("starts", models.TimeField(verbose_name="from")),
                ("ends", models.TimeField(verbose_name="until")),
                ("time_zone", models.CharField(max_length=64, verbose_name="time zone")),
                (
                    "user",
                    models.OneToOneField(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="quiet_hours",
                        to=settings.AUTH_USER_MODEL,
                    ),
                ),
            ],
        ),
        migrations.CreateModel(
            name="MutedThread",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("kind", models.CharField(max_length=40)),
                ("subject_id", models.BigIntegerField()),
                ("muted_at", models.DateTimeField(default=django.utils.timezone.now)),
                (
                    "user",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="muted_threads",
                        to=settings.AUTH_USER_MODEL,
                    ),
                ),
            ],
            options={
                "constraints": [
                    models.UniqueConstraint(
                        fields=("user", "kind", "subject_id"), name="muted_once_per_subject"
                    )
                ]
            },
        ),
        migrations.CreateModel(
            name="PushSubscription",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("endpoint", models.URLField(max_length=1000, unique=True)),
                ("p256dh", models.CharField(max_length=200)),
                ("auth", models.CharField(max_length=100)),
                ("created_at", models.DateTimeField(default=django.utils.timezone.now)),
                (
                    "user",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="push_subscriptions",
                        to=settings.AUTH_USER_MODEL,
                    ),
                ),
            ],
        ),
    ]
