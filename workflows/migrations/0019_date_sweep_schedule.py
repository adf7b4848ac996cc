from django.db import migrations

from core.schedules import upsert_schedule


def install(apps, schema_editor):
    """The date sweep's schedule (workflows.date_sweep), upserted by name."""
    upsert_schedule(
        apps.get_model("django_q", "Schedule"),
        name="Sweep: dates on accounts",
        func="workflows.tasks.run_sweep",
        args="'date_occurrences'",
        minutes=60,
    )


class Migration(migrations.Migration):
    dependencies = [("workflows", "0018_date_triggers_and_switching")]
    operations = [migrations.RunPython(install, migrations.RunPython.noop)]
