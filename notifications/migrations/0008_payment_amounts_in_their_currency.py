"""Existing installs' payment texts show the amount as people write it ("¥5,000", "$49.50").

The receipt, the failure e-mail and its alert printed the bare number and the
code ("5000.00 JPY"); they now use the trigger's `amount_display`. A template
whose texts still match what was shipped (by fingerprint) is updated; an
edited one is left alone.
"""

from django.db import migrations

from notifications.catalogue import update_untouched_templates

# The fingerprints (notifications.catalogue.shipped_fingerprint) of the texts
# earlier versions installed.
SHIPPED_BEFORE = {
    "e1-payment-receipt": {"58df7f7987848adf"},
    "e2-payment-failed": {"69b911e6d701f7df", "ad3f7ba287aec565"},
    "e2-payment-failed-alert": {"4da3082b879e4bf7"},
}


def update(apps, schema_editor):
    update_untouched_templates(apps.get_model("notifications", "MessageTemplate"), SHIPPED_BEFORE)


class Migration(migrations.Migration):
    dependencies = [("notifications", "0007_alert_digests_and_preferences")]
    operations = [migrations.RunPython(update, migrations.RunPython.noop)]
