"""The staff member's time held once (an exclusion constraint, PostgreSQL only; SQLite's
check is the locked one in booking.services), and the starter meeting kinds and e-mails."""

from django.db import migrations


def add_exclusion(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    from booking.constraints import staff_time_once

    schema_editor.execute("CREATE EXTENSION IF NOT EXISTS btree_gist")
    schema_editor.add_constraint(apps.get_model("booking", "Booking"), staff_time_once())


def drop_exclusion(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    from booking.constraints import staff_time_once

    schema_editor.remove_constraint(apps.get_model("booking", "Booking"), staff_time_once())


def install_defaults(apps, schema_editor):
    from booking.defaults import install_meeting_kinds, install_templates

    install_meeting_kinds(apps.get_model("booking", "MeetingKind"))
    install_templates(apps.get_model("notifications", "MessageTemplate"))


class Migration(migrations.Migration):
    dependencies = [
        ("booking", "0001_initial"),
        ("notifications", "0011_message_attachments"),
    ]

    operations = [
        migrations.RunPython(add_exclusion, drop_exclusion),
        migrations.RunPython(install_defaults, migrations.RunPython.noop),
    ]
