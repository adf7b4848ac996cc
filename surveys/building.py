"""What a survey definition may say: checked as a whole before anything is written.

A definition is plain data (from the builder's form, a test or a file):
{"name", "key", "intro", "thank_you", "records_nps", "questions": [{"key", "kind",
"label", "required", "choices"}]}. Every mistake is reported at once, by question,
so a manager fixes them in one go.
"""

import re
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError

from .models import CHOICE_KINDS, Question, QuestionKind, Survey

KEY_PATTERN = re.compile(r"^[a-z][a-z0-9_]*$")
MAX_QUESTIONS = 30
MAX_CHOICES = 20
CHOICE_LENGTH = 120
LABEL_LENGTH = Question._meta.get_field("label").max_length
KEY_LENGTH = Question._meta.get_field("key").max_length
NAME_LENGTH = Survey._meta.get_field("name").max_length
TEXT_LENGTH = 5000


@dataclass(frozen=True)
class QuestionSpec:
    key: str
    kind: str
    label: str
    required: bool = True
    choices: tuple[str, ...] = ()


@dataclass(frozen=True)
class SurveySpec:
    name: str
    key: str
    intro: str = ""
    thank_you: str = ""
    records_nps: bool = False
    questions: tuple[QuestionSpec, ...] = field(default_factory=tuple)


def _text(value: object) -> str:
    return value.strip() if isinstance(value, str) else ""


def _question(raw: object, number: int, errors: list[str]) -> QuestionSpec | None:
    where = f"Question {number}"
    if not isinstance(raw, dict):
        errors.append(f"{where} is not a question.")
        return None
    key, kind, label = _text(raw.get("key")), _text(raw.get("kind")), _text(raw.get("label"))
    if not KEY_PATTERN.match(key) or len(key) > KEY_LENGTH:
        errors.append(
            f"{where}: its key {key!r} must start with a letter and use only lower-case "
            f"letters, digits and _ (at most {KEY_LENGTH} characters)."
        )
    if kind not in QuestionKind.values:
        names = ", ".join(str(label) for label in QuestionKind.labels)
        errors.append(f"{where}: {kind!r} is not a kind of question (one of: {names}).")
    if not label:
        errors.append(f"{where} needs its question text.")
    elif len(label) > LABEL_LENGTH:
        errors.append(f"{where}: the question text is at most {LABEL_LENGTH} characters.")
    raw_choices = raw.get("choices") or []
    if isinstance(raw_choices, str):
        raw_choices = raw_choices.splitlines()
    choices = tuple(c for c in (_text(c) for c in raw_choices) if c)
    if kind in CHOICE_KINDS:
        if len(choices) < 2:
            errors.append(f"{where}: a choice question needs at least two options, one a line.")
        if len(choices) > MAX_CHOICES:
            errors.append(f"{where}: at most {MAX_CHOICES} options.")
        if len({c.casefold() for c in choices}) != len(choices):
            errors.append(f"{where}: each option may appear once.")
        if any(len(c) > CHOICE_LENGTH for c in choices):
            errors.append(f"{where}: an option is at most {CHOICE_LENGTH} characters.")
    elif choices:
        errors.append(f"{where}: only a choice question has options; its scale is fixed.")
    return QuestionSpec(
        key=key, kind=kind, label=label, required=bool(raw.get("required")), choices=choices
    )


def parse_definition(raw: dict) -> SurveySpec:
    """The definition as a SurveySpec, or one ValidationError listing every mistake."""
    errors: list[str] = []
    name, key = _text(raw.get("name")), _text(raw.get("key"))
    if not name:
        errors.append("The survey needs a name.")
    elif len(name) > NAME_LENGTH:
        errors.append(f"The name is at most {NAME_LENGTH} characters.")
    if not re.match(r"^[a-z0-9][a-z0-9-]*$", key) or len(key) > 64:
        errors.append("The survey's key uses lower-case letters, digits and - (e.g. onboarding).")
    intro, thank_you = _text(raw.get("intro")), _text(raw.get("thank_you"))
    if len(intro) > TEXT_LENGTH or len(thank_you) > TEXT_LENGTH:
        errors.append(f"The intro and thank-you texts are at most {TEXT_LENGTH} characters.")
    raw_questions = raw.get("questions") or []
    if not isinstance(raw_questions, list) or not raw_questions:
        errors.append("A survey needs at least one question.")
        raw_questions = []
    if len(raw_questions) > MAX_QUESTIONS:
        errors.append(f"A survey has at most {MAX_QUESTIONS} questions.")
    questions = [
        q for n, r in enumerate(raw_questions, 1) if (q := _question(r, n, errors)) is not None
    ]
    seen: set[str] = set()
    for question in questions:
        if question.key and question.key in seen:
            errors.append(f"Two questions share the key {question.key!r}: each needs its own.")
        seen.add(question.key)
    records_nps = bool(raw.get("records_nps"))
    if records_nps and not any(q.kind == QuestionKind.NPS for q in questions):
        errors.append("Only a survey with an NPS question can count as the account's NPS.")
    if errors:
        raise ValidationError(errors)
    return SurveySpec(
        name=name,
        key=key,
        intro=intro,
        thank_you=thank_you,
        records_nps=records_nps,
        questions=tuple(questions),
    )
