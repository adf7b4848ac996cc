from django.db import migrations

from core.schedules import upsert_schedule
from workflows.catalogue import install_playbooks


def install(apps, schema_editor):
    install_playbooks(
        {
            name: apps.get_model("workflows", name)
            for name in ["Workflow", "Condition", "Step", "WorkflowVersion"]
        }
    )
    upsert_schedule(
        apps.get_model("django_q", "Schedule"),
        name="Workflows: resume due runs",
        func="workflows.tasks.resume_due_runs",
        minutes=1,
    )


class Migration(migrations.Migration):
    dependencies = [
        ("workflows", "0001_initial"),
        ("notifications", "0002_default_templates_and_outbox_schedule"),
        ("pipelines", "0002_default_pipelines"),
        ("django_q", "0019_alter_task_options_alter_ormq_key_alter_ormq_lock_and_more"),
    ]
    operations = [migrations.RunPython(install, migrations.RunPython.noop)]
