"""What changed in surveys, sent after commit (core.handover)."""

from django.dispatch import Signal

# A contact answered a survey: response_id, survey_key, survey_name, version, contact_id,
# answers ({question key: value}).
survey_answered = Signal()
