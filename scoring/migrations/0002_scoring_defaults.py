from django.db import migrations

from scoring.defaults import install_scoring_defaults


def install(apps, schema_editor):
    install_scoring_defaults(
        apps.get_model("scoring", "ScoringRules"), apps.get_model("scoring", "MilestoneLevel")
    )


class Migration(migrations.Migration):
    dependencies = [("scoring", "0001_initial")]
    operations = [migrations.RunPython(install, migrations.RunPython.noop)]
