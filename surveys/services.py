"""Saving a survey a manager built: a new survey, an edit, or a new version once answered."""

from django.contrib.auth.models import AbstractBaseUser
from django.db import transaction

from core import clock

from .building import SurveySpec
from .models import Question, Survey, SurveyVersion


def current_version(survey: Survey) -> SurveyVersion | None:
    """The newest version: what a send uses now."""
    return survey.versions.order_by("-number").first()


def is_frozen(version: SurveyVersion) -> bool:
    """Sent or answered: its questions must keep their meaning, so an edit is a new version."""
    return version.sends.exists() or version.responses.exists()


@transaction.atomic
def save_survey(
    *, spec: SurveySpec, survey: Survey | None = None, user: AbstractBaseUser | None = None
) -> tuple[Survey, SurveyVersion]:
    """Create a survey or save an edit of it. Returns (survey, the version now current).

    An edit of a version nothing was sent on replaces its questions; once it was sent
    or answered the edit becomes version N+1 (earlier answers keep their questions).
    The spec is checked already (building.parse_definition).
    """
    now = clock.now()
    if survey is None:
        survey = Survey.objects.create(
            key=spec.key,
            name=spec.name,
            records_nps=spec.records_nps,
            created_at=now,
            updated_at=now,
        )
        version = None
    else:
        survey = Survey.objects.select_for_update().get(pk=survey.pk)
        survey.key, survey.name, survey.records_nps, survey.updated_at = (
            spec.key,
            spec.name,
            spec.records_nps,
            now,
        )
        survey.save()
        version = current_version(survey)
    if version is None or is_frozen(version):
        number = version.number + 1 if version else 1
        version = SurveyVersion.objects.create(
            survey=survey,
            number=number,
            created_at=now,
            created_by=user,
            intro=spec.intro,
            thank_you=spec.thank_you,
        )
    else:
        version.intro, version.thank_you = spec.intro, spec.thank_you
        version.save(update_fields=["intro", "thank_you"])
        version.questions.all().delete()
    Question.objects.bulk_create(
        Question(
            version=version,
            position=position,
            key=q.key,
            kind=q.kind,
            label=q.label,
            required=q.required,
            choices=list(q.choices),
        )
        for position, q in enumerate(spec.questions)
    )
    return survey, version


def definition_of(survey: Survey) -> dict:
    """The survey's current definition, as the builder's form and parse_definition read it."""
    version = current_version(survey)
    questions = list(version.questions.all()) if version else []
    return {
        "name": survey.name,
        "key": survey.key,
        "records_nps": survey.records_nps,
        "intro": version.intro if version else "",
        "thank_you": version.thank_you if version else "",
        "questions": [
            {
                "key": q.key,
                "kind": q.kind,
                "label": q.label,
                "required": q.required,
                "choices": list(q.choices),
            }
            for q in questions
        ],
    }
