"""The chat's message texts, the first-response playbook, the sweeps' schedules and the
roles' permissions (upserted; never overwriting an edit)."""

from django.db import migrations

from accounts.roles import sync_roles
from conversations.apps import SCHEDULES
from core.schedules import upsert_schedule
from notifications.catalogue import install_default_templates
from workflows.catalogue import default_playbooks, install_playbooks

KEY = "chat-first-response"


def install(apps, schema_editor):
    install_default_templates(apps.get_model("notifications", "MessageTemplate"))
    models = {
        name: apps.get_model("workflows", name)
        for name in ("Workflow", "Condition", "Step", "WorkflowVersion")
    }
    install_playbooks(models, [p for p in default_playbooks() if p["key"] == KEY])
    schedule = apps.get_model("django_q", "Schedule")
    for name, func, minutes in SCHEDULES:
        upsert_schedule(schedule, name=name, func=func, minutes=minutes)
    sync_roles(apps)


class Migration(migrations.Migration):
    dependencies = [
        ("conversations", "0001_conversations_messages_saved_replies"),
        ("workflows", "0021_surveys_send_the_nps_and_csat_surveys"),
        ("notifications", "0013_template_repeat_rule"),
        ("workqueue", "0005_chat_reply_touches"),
        ("health", "0006_model_segment"),
        ("django_q", "0019_alter_task_options_alter_ormq_key_alter_ormq_lock_and_more"),
    ]
    operations = [migrations.RunPython(install, migrations.RunPython.noop)]
