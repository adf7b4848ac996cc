"""NPS answers given on the feedback form, kept as responses of the shipped NPS survey.

The feedback form (portal) still answers links sent before surveys existed; each of
its answers, and every answer recorded before, is a response of the "nps" survey
too, so that survey's results hold the whole history. A response the survey
itself recorded (it made the feedback) is never copied again.
"""

from typing import Any

NPS_SURVEY = "nps"


def mirror_feedback_rows(models: dict[str, Any], feedback_rows: list) -> int:
    """Responses of the NPS survey for feedback rows that have none. Returns how many.

    `models` may be a migration's historical ones (Survey, SurveyVersion, Question,
    SurveyResponse, SurveyAnswer); the NPS answer and the comment are the latest.
    """
    survey = models["Survey"].objects.filter(key=NPS_SURVEY).first()
    version = (
        survey and models["SurveyVersion"].objects.filter(survey=survey).order_by("number").first()
    )
    if version is None:
        return 0
    questions = {q.key: q for q in models["Question"].objects.filter(version=version)}
    if "nps" not in questions:
        return 0
    done = set(
        models["SurveyResponse"]
        .objects.filter(feedback_id__in=[f.pk for f in feedback_rows])
        .values_list("feedback_id", flat=True)
    )
    new = [f for f in feedback_rows if f.pk not in done]
    responses = models["SurveyResponse"].objects.bulk_create(
        models["SurveyResponse"](
            version=version,
            account_id=f.account_id,
            contact_id=f.contact_id,
            submitted_at=f.submitted_at,
            feedback_id=f.pk,
            created_at=f.created_at,
            cause_kind=f.cause_kind,
            cause_user_id=f.cause_user_id,
            cause_run_id=f.cause_run_id,
            cause_reason=f.cause_reason,
        )
        for f in new
    )
    if any(r.pk is None for r in responses):  # a database that does not return ids
        by_feedback = dict(
            models["SurveyResponse"]
            .objects.filter(feedback_id__in=[f.pk for f in new])
            .values_list("feedback_id", "pk")
        )
    else:
        by_feedback = {r.feedback_id: r.pk for r in responses}
    answers = []
    for f in new:
        answers.append(
            models["SurveyAnswer"](
                response_id=by_feedback[f.pk], question=questions["nps"], number=f.nps
            )
        )
        if f.comment and "comment" in questions:
            answers.append(
                models["SurveyAnswer"](
                    response_id=by_feedback[f.pk], question=questions["comment"], text=f.comment
                )
            )
    models["SurveyAnswer"].objects.bulk_create(answers)
    return len(new)


def _models() -> dict[str, Any]:
    from . import models

    return {
        name: getattr(models, name)
        for name in ("Survey", "SurveyVersion", "Question", "SurveyResponse", "SurveyAnswer")
    }


def mirror_feedback(*, feedback_id: int) -> None:
    """After a feedback form answer (or its change): the NPS survey's copy of it, up to date."""
    from activity.models import Feedback

    from .models import SurveyAnswer, SurveyResponse

    feedback = Feedback.objects.filter(pk=feedback_id).first()
    if feedback is None:
        return
    response = SurveyResponse.objects.filter(feedback=feedback).first()
    if response is None:
        mirror_feedback_rows(_models(), [feedback])
        return
    if response.send_id is not None:
        return  # the survey recorded it: its own answers stand
    # A changed feedback form answer: the copy follows the latest.
    SurveyAnswer.objects.filter(response=response, question__key="nps").update(number=feedback.nps)
    SurveyAnswer.objects.filter(response=response, question__key="comment").update(
        text=feedback.comment
    )
