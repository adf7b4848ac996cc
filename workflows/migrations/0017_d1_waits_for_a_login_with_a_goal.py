"""Existing installs: d1 (no login for 7 days) waits for the login, with a goal.

The catalogue's d1 tagged, moved the card, e-mailed and told the owner, and
was done. It now also waits up to 14 days for a login (the owner gets a task
to call if none comes) and names its goal, "logged in again": a login ends
the run as "goal reached". A d1 a manager has edited is left alone (see
workflows.catalogue.replace_steps_if_untouched).
"""

from django.db import migrations

from workflows.catalogue import default_playbooks, replace_steps_if_untouched

KEY = "d1-inactive"
SHIPPED_D1_STEPS = [
    {"action": "add_tag", "params": {"tag": "Inactive"}},
    {"action": "move_to_stage", "params": {"pipeline": "login_activity", "stage": "Inactive"}},
    {"action": "send_email", "params": {"template": "d1-reengagement"}},
    {"action": "notify_staff", "params": {"template": "d1-inactive-alert", "rule": "owner"}},
]
SHIPPED_DESCRIPTION = (
    "Re-engagement e-mail; tag Inactive; card to Inactive on User Login Activity; tell the "
    "owner. Once per inactive spell."
)


def wait_for_the_login(apps, schema_editor):
    models = {
        name: apps.get_model("workflows", name)
        for name in ("Workflow", "Condition", "Step", "WorkflowVersion")
    }
    [d1] = [playbook for playbook in default_playbooks() if playbook["key"] == KEY]
    changed = replace_steps_if_untouched(
        models, key=KEY, shipped=SHIPPED_D1_STEPS, steps=d1["steps"], goal=d1["goal"]
    )
    if changed:
        models["Workflow"].objects.filter(key=KEY, description=SHIPPED_DESCRIPTION).update(
            description=d1["description"]
        )


class Migration(migrations.Migration):
    dependencies = [("workflows", "0016_decisions_waits_and_goals")]
    operations = [migrations.RunPython(wait_for_the_login, migrations.RunPython.noop)]
