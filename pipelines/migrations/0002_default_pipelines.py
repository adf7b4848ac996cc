from django.db import migrations

from pipelines.defaults import install_default_pipelines


def install(apps, schema_editor):
    install_default_pipelines(
        apps.get_model("pipelines", "Pipeline"), apps.get_model("pipelines", "Stage")
    )


class Migration(migrations.Migration):
    dependencies = [("pipelines", "0001_initial")]
    operations = [migrations.RunPython(install, migrations.RunPython.noop)]
