"""A contact answering a send: checked against the version's questions, stored once.

Every answer is checked before anything is written (a scale's range, a choice
among the options, a required question answered); a second submission on the same
send changes nothing. The response is a survey_answered trigger event; a survey
that counts as the account's NPS also records the NPS feedback (playbook b2).
"""

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from enum import StrEnum

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from activity.services.feedback import MAX_COMMENT, record_feedback
from core import clock
from core.causes import Cause
from core.handover import record_and_announce

from . import signals
from .models import (
    SCALES,
    Question,
    QuestionKind,
    SurveyAnswer,
    SurveyResponse,
    SurveySend,
    answer_value,
)


class AnswerErrors(Exception):
    """What is wrong with the answers, by question key; nothing was stored."""

    def __init__(self, errors: dict[str, str]) -> None:
        super().__init__("; ".join(f"{k}: {v}" for k, v in errors.items()))
        self.errors = errors


@dataclass(frozen=True)
class Cleaned:
    question: Question
    number: int | None = None
    text: str = ""
    chosen: tuple[str, ...] = ()

    @property
    def empty(self) -> bool:
        return self.number is None and not self.text and not self.chosen

    @property
    def value(self) -> object:
        return answer_value(self.question.kind, self.number, self.text, self.chosen)


def _clean_one(question: Question, given: Sequence[str]) -> Cleaned:
    values = [v.strip() for v in given if isinstance(v, str) and v.strip()]
    if not values:
        if question.required:
            raise ValidationError("Please answer this question.")
        return Cleaned(question)
    if question.kind in SCALES:
        low, high, *_ = SCALES[question.kind]
        try:
            number = int(values[0])
        except ValueError:
            number = None
        if len(values) > 1 or number is None or not low <= number <= high:
            raise ValidationError(f"Choose one whole number from {low} to {high}.")
        return Cleaned(question, number=number)
    if question.kind == QuestionKind.TEXT:
        text = "\n".join(values)
        if len(text) > MAX_COMMENT:
            raise ValidationError(f"Please keep it to at most {MAX_COMMENT:,} characters.")
        return Cleaned(question, text=text)
    unknown = [v for v in values if v not in question.choices]
    if unknown:
        raise ValidationError("Choose among the options shown.")
    if question.kind == QuestionKind.SINGLE and len(values) > 1:
        raise ValidationError("Choose one option.")
    # In the options' order, each once.
    return Cleaned(question, chosen=tuple(c for c in question.choices if c in values))


def clean_answers(
    questions: Sequence[Question], given: Mapping[str, Sequence[str]]
) -> list[Cleaned]:
    """Each question's answer, or AnswerErrors naming every question answered wrongly."""
    cleaned, errors = [], {}
    for question in questions:
        try:
            cleaned.append(_clean_one(question, given.get(question.key, ())))
        except ValidationError as error:
            errors[question.key] = error.messages[0]
    if errors:
        raise AnswerErrors(errors)
    return cleaned


class Outcome(StrEnum):
    RECORDED = "recorded"  # the send's response
    ALREADY = "already"  # the send was answered before: nothing changed


@dataclass(frozen=True)
class Answered:
    response: SurveyResponse
    outcome: Outcome


def _record_nps(response: SurveyResponse, cleaned: list[Cleaned], *, cause: Cause) -> None:
    """The account's NPS from a survey that counts as it (b2, happiness, reports)."""
    nps = next((c for c in cleaned if c.question.kind == QuestionKind.NPS), None)
    if nps is None or nps.number is None:
        return
    comment = next((c.text for c in cleaned if c.question.kind == QuestionKind.TEXT), "")
    feedback, _ = record_feedback(
        account=response.account,
        contact=response.contact,
        nps=nps.number,
        comment=comment,
        submission_key=f"survey:{response.send.nonce}",
        cause=cause,
    )
    SurveyResponse.objects.filter(pk=response.pk).update(feedback=feedback)
    response.feedback = feedback


@transaction.atomic
def answer_survey(
    *, send: SurveySend, given: Mapping[str, Sequence[str]], cause: Cause
) -> Answered:
    """Record the contact's answers to `send`, once. AnswerErrors (nothing stored) if wrong.

    `given` maps question keys to what the form sent (several values for a
    multiple choice). A second submission, however it differs, is ALREADY.
    """
    answered = SurveyResponse.objects.filter(send=send).first()
    if answered is not None:
        return Answered(answered, Outcome.ALREADY)
    version = send.version
    questions = list(version.questions.all())
    cleaned = clean_answers(questions, given)
    try:
        with transaction.atomic():
            response = SurveyResponse.objects.create(
                version=version,
                send=send,
                account_id=send.account_id,
                contact_id=send.contact_id,
                submitted_at=clock.now(),
                created_at=clock.now(),
                **cause.as_fields(),
            )
    except IntegrityError:
        return Answered(SurveyResponse.objects.get(send=send), Outcome.ALREADY)
    SurveyAnswer.objects.bulk_create(
        SurveyAnswer(
            response=response,
            question=c.question,
            number=c.number,
            text=c.text,
            chosen=list(c.chosen),
        )
        for c in cleaned
        if not c.empty
    )
    if version.survey.records_nps:
        _record_nps(response, cleaned, cause=cause)
    record_and_announce(
        signals.survey_answered,
        sender=SurveyResponse,
        account_id=send.account_id,
        response_id=response.pk,
        survey_key=version.survey.key,
        survey_name=version.survey.name,
        version=version.number,
        contact_id=send.contact_id,
        answers={c.question.key: c.value for c in cleaned},
        cause=cause,
    )
    return Answered(response, Outcome.RECORDED)
