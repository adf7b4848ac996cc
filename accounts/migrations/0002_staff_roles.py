from django.db import migrations

from accounts.roles import sync_roles


def install(apps, schema_editor):
    sync_roles(apps)


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0001_initial"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
        ("pipelines", "0001_initial"),
        ("scoring", "0001_initial"),
        ("activity", "0001_initial"),
    ]
    operations = [migrations.RunPython(install, migrations.RunPython.noop)]
