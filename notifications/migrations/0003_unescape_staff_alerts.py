"""In-app alerts rendered with HTML entities (`O&#x27;Brien &amp; Sons`) read as typed.

Every in-app alert came from a plain-text staff template, so any entity in
one is an artefact. E-mails and SMS are left as the record of what was sent.
"""

from django.db import migrations

from core.escaping import repair_escaped_fields


def repair(apps, schema_editor):
    repair_escaped_fields(apps.get_model("notifications", "Alert").objects.all(), ["title", "body"])
    in_app = apps.get_model("notifications", "Message").objects.filter(channel="in_app")
    repair_escaped_fields(in_app, ["subject", "body_text"])


class Migration(migrations.Migration):
    dependencies = [("notifications", "0002_default_templates_and_outbox_schedule")]
    operations = [migrations.RunPython(repair, migrations.RunPython.noop)]
