from django.db import migrations

from core.schedules import upsert_schedule
from notifications.catalogue import install_default_templates


def install(apps, schema_editor):
    install_default_templates(apps.get_model("notifications", "MessageTemplate"))
    upsert_schedule(
        apps.get_model("django_q", "Schedule"),
        name="Outbox: deliver due messages",
        func="notifications.tasks.deliver_due_messages",
        minutes=1,
    )


class Migration(migrations.Migration):
    dependencies = [
        ("notifications", "0001_initial"),
        ("django_q", "0019_alter_task_options_alter_ormq_key_alter_ormq_lock_and_more"),
    ]
    operations = [migrations.RunPython(install, migrations.RunPython.noop)]
