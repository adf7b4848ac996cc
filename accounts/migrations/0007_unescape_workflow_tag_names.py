"""Tags a workflow wrote with HTML entities (`Active on Q&amp;A board`) get their real names."""

from django.db import migrations

from accounts.repairs import repair_escaped_tag_names


def repair(apps, schema_editor):
    repair_escaped_tag_names(
        tag_model=apps.get_model("accounts", "Tag"),
        account_tag_model=apps.get_model("accounts", "AccountTag"),
        tag_event_model=apps.get_model("accounts", "TagEvent"),
    )


class Migration(migrations.Migration):
    dependencies = [("accounts", "0006_account_name_index")]
    operations = [migrations.RunPython(repair, migrations.RunPython.noop)]
