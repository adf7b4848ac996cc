from django.db import migrations, models

from workqueue.defaults import install_signal_types


def install(apps, schema_editor):
    """Existing installs get the "health band worsened" type (an edited type stays)."""
    install_signal_types(apps.get_model("workqueue", "SignalType"))


class Migration(migrations.Migration):
    dependencies = [
        ("workqueue", "0002_default_signal_types_schedule_roles"),
        ("health", "0005_health_backtests"),
    ]

    operations = [
        migrations.AddField(
            model_name="signalrules",
            name="health_band_days",
            field=models.PositiveSmallIntegerField(
                default=7,
                help_text="Health band worsened: the computed band is worse than this many days ago.",
            ),
        ),
        migrations.RunPython(install, migrations.RunPython.noop),
    ]
