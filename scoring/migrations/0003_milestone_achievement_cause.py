import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):
    """Milestone achievements become history rows with a cause, like the others."""

    dependencies = [
        ("scoring", "0002_scoring_defaults"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.RenameField("milestoneachievement", "reached_at", "created_at"),
        migrations.AlterField(
            "milestoneachievement", "created_at", models.DateTimeField(db_index=True)
        ),
        migrations.AlterModelOptions("milestoneachievement", {"ordering": ["-created_at"]}),
        migrations.AddField(
            "milestoneachievement",
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
                default="system",
                max_length=16,
            ),
            preserve_default=False,
        ),
        migrations.AddField(
            "milestoneachievement",
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
        migrations.AddField(
            "milestoneachievement",
            "cause_run_id",
            models.BigIntegerField(blank=True, db_index=True, null=True),
        ),
        migrations.AddField(
            "milestoneachievement",
            "cause_reason",
            models.CharField(blank=True, max_length=255),
        ),
    ]
