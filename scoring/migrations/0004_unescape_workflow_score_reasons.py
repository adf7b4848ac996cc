"""Ledger reasons a workflow wrote with HTML entities (`8 min in Q&amp;A board`) read as typed."""

from django.db import migrations

from core.escaping import repair_escaped_fields


def repair(apps, schema_editor):
    entries = apps.get_model("scoring", "ScoreEntry").objects.filter(cause_kind="workflow")
    repair_escaped_fields(entries, ["reason"])


class Migration(migrations.Migration):
    dependencies = [("scoring", "0003_milestone_achievement_cause")]
    operations = [migrations.RunPython(repair, migrations.RunPython.noop)]
