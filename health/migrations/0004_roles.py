"""Everyone on the team sees computed health; managers edit models and record overrides."""

from django.db import migrations

from accounts.roles import sync_roles


def roles(apps, schema_editor):
    sync_roles(apps)


class Migration(migrations.Migration):
    dependencies = [("health", "0003_band_worsened_playbook")]
    operations = [migrations.RunPython(roles, migrations.RunPython.noop)]
