"""Building a survey: a definition is checked whole; bad input is refused, nothing saved."""

import pytest
from django.core.exceptions import ValidationError

from surveys.building import parse_definition
from surveys.models import Survey
from surveys.services import definition_of, save_survey

pytestmark = pytest.mark.django_db


def definition(**changes):
    base = {
        "name": "Product fit",
        "key": "product-fit",
        "intro": "Hello",
        "thank_you": "Thanks",
        "questions": [
            {"key": "nps", "kind": "nps", "label": "Recommend us?", "required": True},
            {"key": "why", "kind": "text", "label": "Why?", "required": False},
        ],
    }
    return {**base, **changes}


def refusal(raw) -> str:
    with pytest.raises(ValidationError) as refused:
        parse_definition(raw)
    return " ".join(refused.value.messages)


def test_a_survey_without_questions_is_refused():
    assert "at least one question" in refusal(definition(questions=[]))


def test_two_questions_with_one_key_are_refused():
    same = [
        {"key": "score", "kind": "csat", "label": "A"},
        {"key": "score", "kind": "ces", "label": "B"},
    ]
    assert "share the key 'score'" in refusal(definition(questions=same))


@pytest.mark.parametrize(
    ("question", "message"),
    [
        ({"key": "q", "kind": "stars", "label": "A"}, "not a kind of question"),
        ({"key": "q", "kind": "single", "label": "A", "choices": ["only"]}, "at least two"),
        ({"key": "q", "kind": "single", "label": "A", "choices": ["a", "A"]}, "appear once"),
        ({"key": "q", "kind": "nps", "label": "A", "choices": ["1", "2"]}, "scale is fixed"),
        ({"key": "Bad Key", "kind": "text", "label": "A"}, "must start with a letter"),
        ({"key": "q", "kind": "text", "label": ""}, "needs its question text"),
    ],
)
def test_a_bad_question_is_refused_with_what_is_wrong(question, message):
    assert message in refusal(definition(questions=[question]))


def test_every_mistake_is_reported_at_once():
    text = refusal(definition(name="", key="Not OK", questions=[{"key": "", "kind": "x"}]))
    assert "needs a name" in text
    assert "key uses lower-case" in text
    assert "kind of question" in text


def test_counting_as_nps_needs_an_nps_question():
    only_text = [{"key": "why", "kind": "text", "label": "Why?"}]
    assert "NPS question" in refusal(definition(records_nps=True, questions=only_text))


def test_an_edit_before_any_send_replaces_the_questions(manager):
    survey, first = save_survey(spec=parse_definition(definition()), user=manager)

    _, second = save_survey(
        spec=parse_definition(definition(name="Fit", questions=[definition()["questions"][1]])),
        survey=survey,
        user=manager,
    )

    assert first == second
    assert definition_of(Survey.objects.get(pk=survey.pk))["name"] == "Fit"
    assert [q.key for q in second.questions.all()] == ["why"]


def test_an_edit_after_a_send_is_a_new_version_and_the_send_keeps_its_questions(send, manager):
    survey, first = save_survey(spec=parse_definition(definition()), user=manager)
    sent = send("product-fit")

    _, second = save_survey(
        spec=parse_definition(definition(questions=[definition()["questions"][1]])),
        survey=survey,
        user=manager,
    )

    assert (first.number, second.number) == (1, 2)
    assert sent.version == first
    assert [q.key for q in first.questions.all()] == ["nps", "why"]
    assert [q.key for q in second.questions.all()] == ["why"]
