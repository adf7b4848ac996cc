"""Existing installs: the NPS and satisfaction playbooks send surveys.

"NPS survey every 90 days" sends the shipped NPS survey (its e-mail unchanged;
the answer still feeds b2), and "Satisfaction survey after a request" the CSAT
survey (1–5), which no longer counts as an NPS answer. A playbook a manager has
edited is left alone (workflows.catalogue.replace_steps_if_untouched).
"""

from django.db import migrations

from workflows.catalogue import default_playbooks, replace_steps_if_untouched

SHIPPED_STEPS = {
    "nps-survey": [{"action": "send_email", "params": {"template": "nps-survey"}}],
    "satisfaction-survey": [
        {
            "action": "send_email",
            "params": {"template": "satisfaction-survey", "contact": "data.contact_id"},
        }
    ],
}
SHIPPED_DESCRIPTION = "When a customer's request is resolved, ask how we did."


def send_surveys(apps, schema_editor):
    models = {
        name: apps.get_model("workflows", name)
        for name in ("Workflow", "Condition", "Step", "WorkflowVersion")
    }
    playbooks = {playbook["key"]: playbook for playbook in default_playbooks()}
    for key, shipped in SHIPPED_STEPS.items():
        workflow = models["Workflow"].objects.filter(key=key).first()
        if workflow is None or not workflow.current_version_id:
            continue
        current = models["WorkflowVersion"].objects.get(pk=workflow.current_version_id)
        if current.steps != shipped:  # edited, or installed from this catalogue already
            continue
        playbook = playbooks[key]
        replace_steps_if_untouched(
            models,
            key=key,
            shipped=shipped,
            steps=playbook["steps"],
            goal=playbook.get("goal") or {},
        )
    models["Workflow"].objects.filter(
        key="satisfaction-survey", description=SHIPPED_DESCRIPTION
    ).update(description=playbooks["satisfaction-survey"]["description"])


class Migration(migrations.Migration):
    dependencies = [
        ("workflows", "0020_repeat_limits_move_to_the_outbox"),
        ("surveys", "0002_shipped_surveys_and_history"),
    ]
    operations = [migrations.RunPython(send_surveys, migrations.RunPython.noop)]
