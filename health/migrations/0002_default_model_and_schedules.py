"""The default health model and the scoring schedules (upserted by name)."""

from django.db import migrations

from core.schedules import upsert_schedule
from health.apps import SCHEDULES
from health.defaults import install_default_model


def install(apps, schema_editor):
    install_default_model(
        apps.get_model("health", "HealthModel"), apps.get_model("health", "HealthModelVersion")
    )
    schedule = apps.get_model("django_q", "Schedule")
    for name, func, minutes in SCHEDULES:
        upsert_schedule(schedule, name=name, func=func, minutes=minutes)


class Migration(migrations.Migration):
    dependencies = [
        ("health", "0001_health_models_and_snapshots"),
        ("django_q", "0019_alter_task_options_alter_ormq_key_alter_ormq_lock_and_more"),
    ]
    operations = [migrations.RunPython(install, migrations.RunPython.noop)]
