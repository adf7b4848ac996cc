from django.db import migrations

from accounts.roles import sync_roles
from core.schedules import upsert_schedule
from notifications.catalogue import install_default_templates
from workflows.catalogue import install_playbooks


def install(apps, schema_editor):
    """The imports' reconciler, the report's template, the imported-account playbook, roles.

    Each installer creates only what is missing, so a manager's edits stay.
    """
    upsert_schedule(
        apps.get_model("django_q", "Schedule"),
        name="Imports: resume",
        func="imports.tasks.resume_import_jobs",
        minutes=1,
    )
    install_default_templates(apps.get_model("notifications", "MessageTemplate"))
    install_playbooks(
        {
            name: apps.get_model("workflows", name)
            for name in ["Workflow", "Condition", "Step", "WorkflowVersion"]
        }
    )
    sync_roles(apps)


class Migration(migrations.Migration):
    dependencies = [
        ("imports", "0001_import_jobs"),
        ("notifications", "0002_default_templates_and_outbox_schedule"),
        ("workflows", "0007_trigger_event_one_account_index"),
        ("accounts", "0006_account_name_index"),
        ("django_q", "0019_alter_task_options_alter_ormq_key_alter_ormq_lock_and_more"),
    ]
    operations = [migrations.RunPython(install, migrations.RunPython.noop)]
