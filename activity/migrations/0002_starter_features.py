from django.db import migrations

from activity.defaults import install_starter_features


def install(apps, schema_editor):
    install_starter_features(apps.get_model("activity", "Feature"))


class Migration(migrations.Migration):
    dependencies = [("activity", "0001_initial")]
    operations = [migrations.RunPython(install, migrations.RunPython.noop)]
