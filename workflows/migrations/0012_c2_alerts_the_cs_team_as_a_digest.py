"""Existing installs: c2 (feature not used) alerts all CS team members, not every staff user.

The catalogue's c2 alerted "everyone" (every staff user, the affiliate
programme manager too) once per account and feature; it now alerts the CS
team (CSMs and managers), and the alert's template defaults to a daily
digest (notifications 0006). A c2 a manager has edited is left alone (see
workflows.catalogue.replace_step_if_untouched).
"""

from django.db import migrations

from workflows.catalogue import replace_step_if_untouched

SHIPPED_C2_STEPS = [
    {"action": "send_email", "params": {"template": "c2-feature-nudge"}},
    {
        "action": "notify_staff",
        "params": {"template": "c2-feature-unused-alert", "rule": "everyone"},
    },
]
ALERT_THE_TEAM = {
    "action": "notify_staff",
    "params": {"template": "c2-feature-unused-alert", "rule": "team"},
}
SHIPPED_DESCRIPTION = (
    "A feature unused within its timeframe: an e-mail on its value with an offer of a "
    "walkthrough; the whole team is alerted. At most once per account and feature in 45 days."
)
DESCRIPTION = SHIPPED_DESCRIPTION.replace(
    "the whole team is alerted.", "all CS team members are alerted, as one daily digest each."
)


def alert_the_team(apps, schema_editor):
    models = {
        name: apps.get_model("workflows", name)
        for name in ("Workflow", "Condition", "Step", "WorkflowVersion")
    }
    changed = replace_step_if_untouched(
        models, key="c2-feature-nudge", shipped=SHIPPED_C2_STEPS, position=1, step=ALERT_THE_TEAM
    )
    if changed:
        models["Workflow"].objects.filter(
            key="c2-feature-nudge", description=SHIPPED_DESCRIPTION
        ).update(description=DESCRIPTION)


class Migration(migrations.Migration):
    dependencies = [("workflows", "0011_run_lane")]
    operations = [migrations.RunPython(alert_the_team, migrations.RunPython.noop)]
