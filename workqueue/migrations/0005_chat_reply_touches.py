"""A staff reply in a conversation counts as a touch (conversations.services)."""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("workqueue", "0004_touch_kind_email"),
    ]

    operations = [
        migrations.AlterField(
            model_name="touch",
            name="kind",
            field=models.CharField(
                choices=[
                    ("call", "Call"),
                    ("meeting", "Meeting"),
                    ("note", "Note"),
                    ("email", "E-mail"),
                    ("chat", "Chat reply"),
                ],
                max_length=16,
            ),
        ),
    ]
