"""Tasks a workflow opened with HTML entities in their title or details read as typed."""

from django.db import migrations

from core.escaping import repair_escaped_fields


def repair(apps, schema_editor):
    tasks = apps.get_model("activity", "Task").objects.filter(source="workflow")
    repair_escaped_fields(tasks, ["title", "details"])


class Migration(migrations.Migration):
    dependencies = [("activity", "0005_feedback_changes")]
    operations = [migrations.RunPython(repair, migrations.RunPython.noop)]
