"""Existing installs get the NPS e-mail that asks the question itself, where nobody edited it.

The survey now carries the eleven score links (0–10, text and HTML): each
opens the feedback form with its score chosen. A template whose texts still
match what was shipped (by fingerprint) is updated; an edited one is left alone.
"""

from django.db import migrations

from notifications.catalogue import update_untouched_templates

# The fingerprints (notifications.catalogue.shipped_fingerprint) of the texts earlier
# versions installed: the first one, and the one 0004 put in its place.
SHIPPED_BEFORE = {"nps-survey": {"3922f292ecdb19cb", "059728e550f245fe"}}


def update(apps, schema_editor):
    update_untouched_templates(apps.get_model("notifications", "MessageTemplate"), SHIPPED_BEFORE)


class Migration(migrations.Migration):
    dependencies = [("notifications", "0009_outbox_caps_and_quiet_hours")]
    operations = [migrations.RunPython(update, migrations.RunPython.noop)]
