"""Existing installs get the health alert's text and the "band worsened" playbook
(new installs get them from the catalogues; neither overwrites an edit)."""

from django.db import migrations

from notifications.catalogue import install_default_templates
from workflows.catalogue import default_playbooks, install_playbooks

KEY = "health-band-worsened"


def install(apps, schema_editor):
    install_default_templates(apps.get_model("notifications", "MessageTemplate"))
    models = {
        name: apps.get_model("workflows", name)
        for name in ("Workflow", "Condition", "Step", "WorkflowVersion")
    }
    install_playbooks(models, [p for p in default_playbooks() if p["key"] == KEY])


class Migration(migrations.Migration):
    dependencies = [
        ("health", "0002_default_model_and_schedules"),
        ("workflows", "0017_d1_waits_for_a_login_with_a_goal"),
        ("notifications", "0009_outbox_caps_and_quiet_hours"),
    ]
    operations = [migrations.RunPython(install, migrations.RunPython.noop)]
