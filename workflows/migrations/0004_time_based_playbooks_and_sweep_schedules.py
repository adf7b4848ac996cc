from django.db import migrations

from core.schedules import upsert_schedule
from workflows.catalogue import install_playbooks
from workflows.sweeps import SWEEPS


def install(apps, schema_editor):
    install_playbooks(
        {
            name: apps.get_model("workflows", name)
            for name in ["Workflow", "Condition", "Step", "WorkflowVersion"]
        }
    )
    apps.get_model("workflows", "SweepRules").objects.get_or_create(pk=1)
    for sweep in SWEEPS:
        upsert_schedule(
            apps.get_model("django_q", "Schedule"),
            name=sweep.name,
            func="workflows.tasks.run_sweep",
            args=repr(sweep.run.__name__),
            minutes=sweep.minutes,
        )


class Migration(migrations.Migration):
    dependencies = [("workflows", "0003_sweeprules")]
    operations = [migrations.RunPython(install, migrations.RunPython.noop)]
