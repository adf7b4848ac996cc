"""Existing installs: e3 (subscription cancelled) also removes the Active SaaS tag, if unedited.

A churned account kept a1's "Active SaaS" tag; the catalogue's e3 now removes
it right after moving the card to Churned. An e3 a manager has edited is left
alone (see workflows.catalogue.insert_step_if_untouched).
"""

from django.db import migrations

from workflows.catalogue import insert_step_if_untouched

SHIPPED_E3_STEPS = [
    {"action": "move_to_stage", "params": {"pipeline": "subscription", "stage": "Churned"}},
    {"action": "send_email", "params": {"template": "e3-winback"}},
    {
        "action": "notify_staff",
        "params": {"template": "e3-churn-alert", "rule": "owner", "email": True},
    },
]
REMOVE_ACTIVE_SAAS = {"action": "remove_tag", "params": {"tag": "Active SaaS"}}


def add_step(apps, schema_editor):
    models = {
        name: apps.get_model("workflows", name)
        for name in ("Workflow", "Condition", "Step", "WorkflowVersion")
    }
    insert_step_if_untouched(
        models, key="e3-churn", shipped=SHIPPED_E3_STEPS, position=1, step=REMOVE_ACTIVE_SAAS
    )


class Migration(migrations.Migration):
    dependencies = [("workflows", "0008_sweep_rules_labels_and_bounds")]
    operations = [migrations.RunPython(add_step, migrations.RunPython.noop)]
