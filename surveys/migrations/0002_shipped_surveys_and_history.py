"""The shipped NPS and CSAT surveys, their e-mails, the roles' permissions, and history.

Every NPS answer recorded so far (the feedback form) becomes a response of the NPS
survey, so its results start with the whole history. The satisfaction e-mail asks
the CSAT question (1–5) where nobody edited it; a new "Survey invitation" e-mail is
installed for the surveys managers build.
"""

from django.db import migrations

from accounts.roles import sync_roles
from notifications.catalogue import install_default_templates, update_untouched_templates
from surveys.defaults import install_shipped_surveys
from surveys.history import mirror_feedback_rows

# The fingerprints of the satisfaction e-mail's texts as earlier versions shipped them.
SATISFACTION_SHIPPED = {"satisfaction-survey": {"9cc6ebbb0fd440eb", "bc3629f834559e1c"}}
NAMES = ("Survey", "SurveyVersion", "Question", "SurveyResponse", "SurveyAnswer")


def install(apps, schema_editor):
    models = {name: apps.get_model("surveys", name) for name in NAMES}
    install_shipped_surveys(models)
    templates = apps.get_model("notifications", "MessageTemplate")
    install_default_templates(templates)
    update_untouched_templates(templates, SATISFACTION_SHIPPED)
    feedback = apps.get_model("activity", "Feedback")
    rows = list(feedback.objects.order_by("pk"))
    for start in range(0, len(rows), 1000):
        mirror_feedback_rows(models, rows[start : start + 1000])
    sync_roles(apps)


class Migration(migrations.Migration):
    dependencies = [
        ("surveys", "0001_initial"),
        ("notifications", "0010_nps_email_carries_the_scores"),
        ("activity", "0009_productevent"),
        ("accounts", "0015_affiliate_joined_event"),
    ]
    operations = [migrations.RunPython(install, migrations.RunPython.noop)]
