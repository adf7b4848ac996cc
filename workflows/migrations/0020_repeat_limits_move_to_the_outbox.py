"""A send step's `throttle_days` / `throttle_scope` become its template's repeat rule, the
outbox's (notifications.caps), so every playbook sending the template obeys it.

Each template a step throttled gets the longest window any step gave it (and that step's
scope, a data key); the shipped templates get their shipped rule where none is set. The
parameters leave the steps: a playbook whose working copy was its current version gets
the cleaned steps as a new version (runs under way keep theirs, whose parameters the
step now ignores); a draft is cleaned and stays a draft.
"""

from django.db import migrations
from django.utils import timezone

SENDS = {"send_email", "send_sms"}
LEGACY = ("throttle_days", "throttle_scope")
NESTED = ("otherwise", "happened", "timed_out")


def _clean(steps: list, rules: dict) -> list:
    """`steps` without the legacy parameters (nested paths too), noting each rule found."""
    cleaned = []
    for step in steps:
        if not isinstance(step, dict):
            cleaned.append(step)
            continue
        params = dict(step.get("params") or {})
        if step.get("action") in SENDS and params.get("throttle_days"):
            scope = str(params.get("throttle_scope") or "")
            days = int(params["throttle_days"])
            key = params.get("template")
            if days > rules.get(key, (0, ""))[0]:
                rules[key] = (
                    days,
                    scope.removeprefix("data.") if scope.startswith("data.") else "",
                )
        for name in LEGACY:
            params.pop(name, None)
        for name in NESTED:
            if isinstance(params.get(name), list):
                params[name] = _clean(params[name], rules)
        if isinstance(params.get("paths"), list):
            params["paths"] = [
                {**path, "steps": _clean(path.get("steps") or [], rules)}
                if isinstance(path, dict)
                else path
                for path in params["paths"]
            ]
        cleaned.append({**step, "params": params})
    return cleaned


def forwards(apps, schema_editor):
    Workflow = apps.get_model("workflows", "Workflow")
    Step = apps.get_model("workflows", "Step")
    Version = apps.get_model("workflows", "WorkflowVersion")
    Template = apps.get_model("notifications", "MessageTemplate")
    from notifications.catalogue import default_templates

    rules: dict = {}
    for workflow in Workflow.objects.all():
        rows = list(Step.objects.filter(workflow=workflow).order_by("position", "id"))
        working = [{"action": row.action, "params": row.params} for row in rows]
        cleaned = _clean(working, rules)
        current = Version.objects.filter(pk=workflow.current_version_id).first()
        if current is not None:
            _clean(current.steps, rules)
        if cleaned == working:
            continue
        for row, step in zip(rows, cleaned, strict=True):
            Step.objects.filter(pk=row.pk).update(params=step["params"])
        if current is None or current.steps != working:
            continue
        numbers = Version.objects.filter(workflow=workflow).values_list("number", flat=True)
        version = Version.objects.create(
            workflow=workflow,
            number=max(numbers) + 1,
            trigger=current.trigger,
            trigger_params=current.trigger_params,
            conditions=current.conditions,
            steps=cleaned,
            goal=current.goal,
            created_at=timezone.now(),
        )
        Workflow.objects.filter(pk=workflow.pk).update(current_version=version)
    for values in default_templates():
        if values["repeat_days"] and values["key"] not in rules:
            rules[values["key"]] = (values["repeat_days"], values["repeat_scope"])
    for key, (days, scope) in rules.items():
        Template.objects.filter(key=key, repeat_days=0).update(repeat_days=days, repeat_scope=scope)


class Migration(migrations.Migration):
    dependencies = [
        ("workflows", "0019_date_sweep_schedule"),
        ("notifications", "0013_template_repeat_rule"),
    ]
    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
