from django.db import migrations

from accounts.roles import sync_roles
from core.schedules import upsert_schedule
from workqueue.defaults import DETECTORS_SCHEDULE, install_signal_types


def install(apps, schema_editor):
    """The shipped signal types, the rules row, the detectors' schedule and the roles' rights.

    Each creates only what is missing, so a manager's edits stay.
    """
    install_signal_types(apps.get_model("workqueue", "SignalType"))
    apps.get_model("workqueue", "SignalRules").objects.get_or_create(pk=1)
    upsert_schedule(apps.get_model("django_q", "Schedule"), **DETECTORS_SCHEDULE)
    sync_roles(apps)


class Migration(migrations.Migration):
    dependencies = [
        ("workqueue", "0001_signals_and_touches"),
        ("accounts", "0013_account_last_touch"),
        ("imports", "0002_schedule_template_playbook_roles"),
        ("django_q", "0019_alter_task_options_alter_ormq_key_alter_ormq_lock_and_more"),
    ]
    operations = [migrations.RunPython(install, migrations.RunPython.noop)]
