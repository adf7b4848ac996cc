"""Alert digests and each staff member's choice per kind of alert.

Existing installs: the shipped c2 alert ("feature not used") defaults to the
daily digest and the escalations to "always at once" (a new column, so no
manager has edited it yet), and the digest sweep's schedule is installed.
"""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models

from core.schedules import upsert_schedule

# As notifications.digests.DIGEST_SCHEDULE was when this migration was written.
DIGEST_SCHEDULE = {
    "name": "Alerts: send due digests",
    "func": "notifications.tasks.send_due_digests",
    "minutes": 5,
}

SHIPPED_DELIVERY = {
    "c2-feature-unused-alert": "daily",
    "b2-not-happy-escalation": "always",
    "e2-payment-failed-escalation": "always",
    "g1-task-overdue-escalation": "always",
}


def install(apps, schema_editor):
    template = apps.get_model("notifications", "MessageTemplate")
    for key, delivery in SHIPPED_DELIVERY.items():
        template.objects.filter(key=key).update(staff_delivery=delivery)
    upsert_schedule(apps.get_model("django_q", "Schedule"), **DIGEST_SCHEDULE)


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0001_initial"),  # the Account a held alert is about
        ("django_q", "0019_alter_task_options_alter_ormq_key_alter_ormq_lock_and_more"),
        ("notifications", "0006_message_lane"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AddField(
            model_name="messagetemplate",
            name="staff_delivery",
            field=models.CharField(
                choices=[
                    ("immediate", "At once"),
                    ("hourly", "Hourly digest"),
                    ("daily", "Daily digest (08:00)"),
                    ("off", "Off"),
                    ("always", "Always at once (an escalation)"),
                ],
                default="immediate",
                help_text="Staff alerts only: how they arrive for someone who has not chosen in their alert settings.",
                max_length=10,
                verbose_name="delivery to staff",
            ),
        ),
        migrations.CreateModel(
            name="Digest",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("kind", models.SlugField(max_length=80)),
                (
                    "due_at",
                    models.DateTimeField(help_text="The end of the window: when it is sent."),
                ),
                ("created_at", models.DateTimeField()),
                ("sent_at", models.DateTimeField(blank=True, null=True)),
                (
                    "user",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                    ),
                ),
            ],
        ),
        migrations.CreateModel(
            name="DigestItem",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("created_at", models.DateTimeField(db_index=True)),
                (
                    "cause_kind",
                    models.CharField(
                        choices=[
                            ("user", "Staff user"),
                            ("workflow", "Workflow run"),
                            ("api", "API / webhook"),
                            ("import", "CSV import"),
                            ("customer", "Customer form"),
                            ("system", "System"),
                        ],
                        max_length=16,
                    ),
                ),
                ("cause_run_id", models.BigIntegerField(blank=True, db_index=True, null=True)),
                ("cause_reason", models.CharField(blank=True, max_length=255)),
                ("kind", models.SlugField(max_length=80)),
                ("due_at", models.DateTimeField()),
                ("cause_key", models.CharField(max_length=200)),
                ("title", models.CharField(max_length=200)),
                ("body", models.TextField(blank=True)),
                ("link", models.CharField(blank=True, max_length=500)),
                (
                    "email",
                    models.BooleanField(default=False, help_text="Asked for an e-mail copy too."),
                ),
                (
                    "account",
                    models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="digest_items",
                        to="accounts.account",
                    ),
                ),
                (
                    "cause_user",
                    models.ForeignKey(
                        blank=True,
                        help_text="The staff user who made the change, if a person did.",
                        null=True,
                        on_delete=django.db.models.deletion.SET_NULL,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                    ),
                ),
                (
                    "digest",
                    models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="items",
                        to="notifications.digest",
                    ),
                ),
                (
                    "user",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                    ),
                ),
            ],
        ),
        migrations.CreateModel(
            name="AlertPreference",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("kind", models.SlugField(help_text="The staff template's key.", max_length=80)),
                (
                    "delivery",
                    models.CharField(
                        choices=[
                            ("immediate", "At once"),
                            ("hourly", "Hourly digest"),
                            ("daily", "Daily digest (08:00)"),
                            ("off", "Off"),
                        ],
                        max_length=10,
                    ),
                ),
                (
                    "user",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="alert_preferences",
                        to=settings.AUTH_USER_MODEL,
                    ),
                ),
            ],
            options={
                "constraints": [
                    models.UniqueConstraint(fields=("user", "kind"), name="alert_preference_once")
                ],
            },
        ),
        migrations.AddIndex(
            model_name="digest",
            index=models.Index(
                condition=models.Q(("sent_at", None)), fields=["due_at"], name="digest_unsent_due"
            ),
        ),
        migrations.AddConstraint(
            model_name="digest",
            constraint=models.UniqueConstraint(
                fields=("user", "kind", "due_at"), name="digest_once_per_window"
            ),
        ),
        migrations.AddIndex(
            model_name="digestitem",
            index=models.Index(
                condition=models.Q(("digest", None)), fields=["due_at"], name="digest_item_waiting"
            ),
        ),
        migrations.AddConstraint(
            model_name="digestitem",
            constraint=models.UniqueConstraint(
                fields=("cause_key", "user", "kind"), name="digest_item_once_per_cause"
            ),
        ),
        migrations.RunPython(install, migrations.RunPython.noop),
    ]
