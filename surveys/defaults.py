"""The shipped surveys: NPS (the feedback form's question, feeding playbook b2) and CSAT.

Installed by a data migration and by `install_defaults`; a survey already there
(edited or not) is left alone.
"""

from typing import Any

from core import clock

NPS_LABEL = "How likely are you to recommend us to a friend or colleague?"
COMMENT_LABEL = "What is the main reason for your score? (optional)"

SHIPPED: list[dict[str, Any]] = [
    {
        "key": "nps",
        "name": "NPS",
        "records_nps": True,
        "intro": "One quick question: it takes a few seconds.",
        "thank_you": "Thank you! We read every answer, and they shape what we work on next.",
        "questions": [
            {"key": "nps", "kind": "nps", "label": NPS_LABEL, "required": True},
            {"key": "comment", "kind": "text", "label": COMMENT_LABEL, "required": False},
        ],
    },
    {
        "key": "csat",
        "name": "Satisfaction after a request (CSAT)",
        "records_nps": False,
        "intro": "We recently completed your request. How did we do?",
        "thank_you": "Thank you! If anything isn't fully resolved, reply to our e-mail.",
        "questions": [
            {
                "key": "csat",
                "kind": "csat",
                "label": "How satisfied are you with how we handled your request?",
                "required": True,
            },
            {
                "key": "comment",
                "kind": "text",
                "label": "Anything we could have done better? (optional)",
                "required": False,
            },
        ],
    },
]


def install_shipped_surveys(models: dict[str, Any] | None = None) -> int:
    """Create each shipped survey that is missing (version 1). Returns how many were made.

    `models` are a migration's historical Survey, SurveyVersion and Question.
    """
    if models is None:
        from .models import Question, Survey, SurveyVersion

        models = {"Survey": Survey, "SurveyVersion": SurveyVersion, "Question": Question}
    now = clock.now()
    created = 0
    for definition in SHIPPED:
        if models["Survey"].objects.filter(key=definition["key"]).exists():
            continue
        survey = models["Survey"].objects.create(
            key=definition["key"],
            name=definition["name"],
            records_nps=definition["records_nps"],
            created_at=now,
            updated_at=now,
        )
        version = models["SurveyVersion"].objects.create(
            survey=survey,
            number=1,
            intro=definition["intro"],
            thank_you=definition["thank_you"],
            created_at=now,
        )
        models["Question"].objects.bulk_create(
            models["Question"](version=version, position=n, choices=[], **question)
            for n, question in enumerate(definition["questions"])
        )
        created += 1
    return created
