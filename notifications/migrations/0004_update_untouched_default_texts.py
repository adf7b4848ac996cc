"""Existing installs get the new default texts, where nobody has edited them.

The welcome, Struggling and re-engagement e-mails now offer the request form;
the re-engagement e-mail knows an account that never logged in and leaves out
an empty "What's new"; the payment-failure e-mail explains the decline in
words; the surveys no longer promise "one click". A template whose texts still
match what was shipped (by fingerprint) is updated; an edited one is left alone.
"""

from django.db import migrations

from notifications.catalogue import update_untouched_templates

# The fingerprints (notifications.catalogue.shipped_fingerprint) of the texts
# earlier versions installed; git history holds one shipped version of each.
SHIPPED_BEFORE = {
    "a1-welcome": {"cef0fd161ad30861"},
    "b1-health-struggling": {"00ded4b449af0435"},
    "d1-reengagement": {"099b338d5d65c1b2"},
    "d1-inactive-alert": {"10cb975c33239fc9"},
    "e2-payment-failed": {"ad3f7ba287aec565"},
    "nps-survey": {"3922f292ecdb19cb"},
    "satisfaction-survey": {"9cc6ebbb0fd440eb"},
}


def update(apps, schema_editor):
    update_untouched_templates(apps.get_model("notifications", "MessageTemplate"), SHIPPED_BEFORE)


class Migration(migrations.Migration):
    dependencies = [("notifications", "0003_unescape_staff_alerts")]
    operations = [migrations.RunPython(update, migrations.RunPython.noop)]
