"""Survey data: a contact's response, with every answer by its question's key."""

from __future__ import annotations

from typing import Any, TypedDict

from .kind import Data


class SurveyAnsweredData(TypedDict):
    response_id: int
    survey_key: str
    survey_name: str
    version: int
    contact_id: int
    # {question key: answer}: conditions test data.answers.<key> (a number for the
    # scales, the option for a single choice, the options for a multiple choice).
    answers: dict[str, Any]


def response_key(announcement: Data) -> str:
    """One response is one fact: a second submission makes none."""
    return f"survey_response:{announcement['response_id']}"


def survey_answered(announcement: Data) -> SurveyAnsweredData:
    return {
        "response_id": announcement["response_id"],
        "survey_key": announcement["survey_key"],
        "survey_name": announcement["survey_name"],
        "version": announcement["version"],
        "contact_id": announcement["contact_id"],
        "answers": dict(announcement["answers"]),
    }
