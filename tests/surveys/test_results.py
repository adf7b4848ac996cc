"""The results page: figures against a hand count, the CSV, and a pinned query count."""

import csv
import io
from datetime import UTC, datetime

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from accounts.models import Plan
from core.causes import Cause
from surveys.answering import answer_survey
from surveys.building import parse_definition
from surveys.models import Survey
from surveys.results import TEXTS_SHOWN, score_of, survey_results
from surveys.sending import send_survey
from surveys.services import save_survey
from tests.factories import AccountFactory, ContactFactory

pytestmark = pytest.mark.django_db

BY = Cause.by_system("test")


def fit_survey() -> Survey:
    spec = parse_definition(
        {
            "name": "Fit",
            "key": "fit",
            "questions": [
                {"key": "nps", "kind": "nps", "label": "Recommend?", "required": True},
                {"key": "csat", "kind": "csat", "label": "Satisfied?", "required": True},
                {
                    "key": "uses",
                    "kind": "multiple",
                    "label": "Uses?",
                    "choices": ["Web", "API"],
                    "required": False,
                },
                {"key": "why", "kind": "text", "label": "Why?", "required": False},
            ],
        }
    )
    return save_survey(spec=spec)[0]


def answered(survey, *, plan=Plan.FREE, when=None, answer=None, n=0):
    """One account of `plan` sent the survey; answers `answer` ({key: [values]}) if given."""
    account = AccountFactory(plan=plan)
    contact = ContactFactory(account=account, is_primary=True)
    sent = send_survey(
        survey=survey, account=account, contact=contact, cause=BY, cause_key=f"t:{n}"
    )
    if answer is not None:
        with time_machine.travel(when or datetime(2025, 5, 10, tzinfo=UTC), tick=False):
            answer_survey(send=sent.send, given=answer, cause=BY)
    return account


def fill(survey, size: int) -> None:
    for n in range(size):
        answered(
            survey,
            plan=[Plan.FREE, Plan.PRO][n % 2],
            answer={
                "nps": [str(n % 11)],
                "csat": [str(n % 5 + 1)],
                "uses": ["Web"],
                "why": [f"r{n}"],
            },
            when=datetime(2025, 1 + n % 3, 5, tzinfo=UTC),
            n=n,
        )


def test_the_figures_match_a_hand_count():
    survey = fit_survey()
    # nps 10, 9 (promoters), 7 (passive), 3 (detractor); csat 5, 4, 2, 1; one not answered.
    given = [
        (Plan.PRO, datetime(2025, 4, 2, tzinfo=UTC), "10", "5", ["Web", "API"]),
        (Plan.PRO, datetime(2025, 4, 20, tzinfo=UTC), "9", "4", ["API"]),
        (Plan.FREE, datetime(2025, 5, 1, tzinfo=UTC), "7", "2", []),
        (Plan.FREE, datetime(2025, 5, 3, tzinfo=UTC), "3", "1", ["Web"]),
    ]
    for n, (plan, when, nps, csat, uses) in enumerate(given):
        answer = {"nps": [nps], "csat": [csat], "uses": uses, "why": ["because"] if n == 0 else []}
        answered(survey, plan=plan, when=when, answer=answer, n=n)
    answered(survey, n=99)  # sent, never answered

    results = survey_results(survey)

    assert (results.sends, results.responses, results.response_rate) == (5, 4, 80)
    by_key = {r.question.key: r for r in results.questions}
    assert by_key["nps"].score == 25.0  # (2 promoters − 1 detractor) / 4
    assert by_key["nps"].counts["10"] == 1
    assert by_key["nps"].counts["0"] == 0
    assert by_key["csat"].score == 50.0  # 2 of 4 rated 4 or 5
    assert by_key["uses"].counts == {"Web": 2, "API": 2}
    assert by_key["uses"].answered == 3
    assert by_key["why"].texts[0][1] == "because"
    assert [(m.month, s, n) for m, s, n in results.over_time["nps"]] == [
        (4, 100.0, 2),
        (5, -50.0, 2),
    ]
    assert results.by_plan["csat"] == [("Free", 0.0, 2), ("Pro", 100.0, 2)]
    pro = survey_results(survey, accounts=AccountFactory._meta.model.objects.filter(plan=Plan.PRO))
    assert (pro.sends, pro.responses) == (2, 2)


def test_score_definitions():
    assert score_of("nps", {10: 1, 6: 1}) == 0.0
    assert score_of("csat", {5: 3, 3: 1}) == 75.0
    assert score_of("ces", {7: 1, 4: 1}) == 5.5
    assert score_of("nps", {}) is None


# The session and user, permissions, the survey and its version and questions, the
# segments for the filter bar, the counts and one query per kind of figure.
PINNED = 18


@pytest.mark.parametrize("size", [3, 30])
def test_the_results_page_takes_a_constant_number_of_queries(client, manager, size):
    survey = fit_survey()
    fill(survey, size)
    client.force_login(manager)
    client.get(reverse("surveys:list"))  # session and permissions warmed

    with CaptureQueriesContext(connection) as captured:
        page = client.get(reverse("surveys:results", args=[survey.pk]), {"plan": "pro"})

    assert page.status_code == 200
    assert len(captured) <= 25, "\n".join(q["sql"] for q in captured.captured_queries)
    assert len(captured) == PINNED


def test_the_csv_has_one_row_per_response_with_every_answer(client, manager):
    survey = fit_survey()
    answered(survey, answer={"nps": ["8"], "csat": ["3"], "uses": ["Web", "API"], "why": ["=x"]})
    client.force_login(manager)

    response = client.get(reverse("surveys:csv", args=[survey.pk]))

    rows = list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode("utf-8-sig"))))
    assert rows[0][-4:] == ["nps", "csat", "uses", "why"]
    assert rows[1][-4:] == ["8", "3", "Web; API", "'=x"]  # a formula is never run
    assert len(rows) == 2
    other_plan = client.get(reverse("surveys:csv", args=[survey.pk]), {"plan": "enterprise"})
    assert len(b"".join(other_plan.streaming_content).decode("utf-8-sig").splitlines()) == 1


def test_the_results_page_shows_the_charts_and_the_filters(client, manager):
    survey = fit_survey()
    fill(survey, 4)
    client.force_login(manager)

    page = client.get(reverse("surveys:results", args=[survey.pk])).content.decode()

    assert 'data-chart="q-nps"' in page
    assert 'data-chart="trend-nps"' in page
    assert "vendor/chart.js/chart.umd.js" in page
    assert 'data-testid="by-plan-csat"' in page


def test_a_question_nobody_answered_says_so_instead_of_an_empty_chart(client, manager):
    survey = fit_survey()
    answered(survey)  # sent, not answered
    client.force_login(manager)

    page = client.get(reverse("surveys:results", args=[survey.pk])).content.decode()

    assert 'data-testid="no-answers-nps"' in page
    assert 'data-chart="q-nps"' not in page
    assert "No written answers yet." in page


def test_the_written_answers_say_how_many_are_shown_and_link_their_accounts(client, manager):
    survey = fit_survey()
    fill(survey, TEXTS_SHOWN + 2)
    client.force_login(manager)

    page = client.get(reverse("surveys:results", args=[survey.pk])).content.decode()

    shown = page.split('data-testid="texts-why"')[1].split("</ul>")[0]
    assert shown.count("<li") == TEXTS_SHOWN
    assert "/accounts/" in shown
    assert f"The latest {TEXTS_SHOWN} of {TEXTS_SHOWN + 2}; the CSV has every answer." in page
