"""A survey as a one-question chat poll: its first question, one answer link per choice.

Only a question answered by one click can be a poll (a scale or a single choice);
each choice is the send's signed answer link with that answer chosen, so the
contact lands on the same answer page as from the e-mail, and only Send records
(surveys.answering, once per send). The playbook step posts it (conversations).
"""

from urllib.parse import urlencode

from .links import survey_url
from .models import SCALES, Question, QuestionKind, Survey, SurveySend, SurveyVersion
from .services import current_version

POLL_KINDS = {*SCALES, QuestionKind.SINGLE}


def _first(version: SurveyVersion | None) -> Question | None:
    return version.questions.order_by("position").first() if version is not None else None


def poll_refusal(survey: Survey) -> str:
    """Why `survey` cannot be sent as a chat poll now; "" when it can."""
    first = _first(current_version(survey))
    if first is None:
        return f"The survey “{survey.name}” has no questions yet."
    if first.kind not in POLL_KINDS:
        return (
            f"The survey “{survey.name}” cannot be a chat poll: its first question is "
            f"{first.get_kind_display().lower()}; a poll needs an NPS, rating, effort or "
            "single-choice question first (send it by e-mail instead)."
        )
    return ""


def poll_for(send: SurveySend) -> tuple[str, dict]:
    """The poll's text (the question, with a scale's ends) and its choices (Message.poll)."""
    first = _first(send.version)
    if first is None or first.kind not in POLL_KINDS:
        raise ValueError("Not a poll: check poll_refusal first.")
    url = survey_url(send)
    if first.scale is not None:
        low, high, low_label, high_label = first.scale
        values = [str(n) for n in range(low, high + 1)]
        text = f"{first.label}\n({low} = {low_label}, {high} = {high_label})"
    else:
        values, text = list(first.choices), first.label
    choices = [{"label": v, "url": f"{url}?{urlencode({first.key: v})}"} for v in values]
    return text, {"survey": send.version.survey.key, "choices": choices}
