"""A survey's results: response rate, each question's distribution, NPS and CSAT over time
and by plan; in a constant number of queries whatever the number of responses.

Answers are counted by question key across the survey's versions, for the questions
of its current version (a key keeps its meaning: building refuses a kind change only
within a version, so the kind is matched too). Scores follow the usual definitions:
NPS = % promoters (9–10) − % detractors (0–6); CSAT = % of ratings 4–5; CES = mean.
"""

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date

from django.db.models import Count, Q, QuerySet
from django.db.models.functions import TruncMonth

from accounts.models import Plan

from .models import SCALES, Question, QuestionKind, Survey, SurveyAnswer, SurveyResponse, SurveySend
from .services import current_version

TEXTS_SHOWN = 10


@dataclass
class QuestionResult:
    question: Question
    answered: int = 0
    counts: dict[str, int] = field(default_factory=dict)  # value (as shown) → answers
    score: float | None = None  # NPS, CSAT % or CES mean
    # (account name, text, account id), newest first: the latest TEXTS_SHOWN of `answered`
    texts: list[tuple[str, str, int]] = field(default_factory=list)


@dataclass
class Results:
    survey: Survey
    sends: int
    responses: int
    answered_sends: int
    questions: list[QuestionResult]
    # kind ("nps", "csat") → [(month, score, answers)]
    over_time: dict[str, list[tuple[date, float, int]]]
    # kind → [(plan label, score, answers)]
    by_plan: dict[str, list[tuple[str, float, int]]]

    @property
    def response_rate(self) -> int | None:
        return round(100 * self.answered_sends / self.sends) if self.sends else None


def score_of(kind: str, counts: dict[int, int]) -> float | None:
    """NPS, CSAT (% satisfied) or CES (mean) of {answer: how many}; None without answers."""
    total = sum(counts.values())
    if not total:
        return None
    if kind == QuestionKind.NPS:
        promoters = sum(n for value, n in counts.items() if value >= 9)
        detractors = sum(n for value, n in counts.items() if value <= 6)
        return round(100 * (promoters - detractors) / total, 1)
    if kind == QuestionKind.CSAT:
        return round(100 * sum(n for value, n in counts.items() if value >= 4) / total, 1)
    return round(sum(value * n for value, n in counts.items()) / total, 2)


def _answers(survey: Survey, accounts: QuerySet | None) -> QuerySet:
    answers = SurveyAnswer.objects.filter(response__version__survey=survey)
    if accounts is not None:
        answers = answers.filter(response__account__in=accounts)
    return answers


def _scales(answers, results: dict[str, QuestionResult]) -> None:
    rows = (
        answers.filter(question__kind__in=list(SCALES), number__isnull=False)
        .values("question__key", "question__kind", "number")
        .annotate(n=Count("pk"))
    )
    numbers: dict[str, dict[int, int]] = defaultdict(dict)
    for row in rows:
        result = results.get(row["question__key"])
        if result and result.question.kind == row["question__kind"]:
            numbers[row["question__key"]][row["number"]] = row["n"]
    for key, counts in numbers.items():
        result = results[key]
        low, high, *_ = SCALES[result.question.kind]
        result.counts = {str(v): counts.get(v, 0) for v in range(low, high + 1)}
        result.answered = sum(counts.values())
        result.score = score_of(result.question.kind, counts)


def _choices(answers, results: dict[str, QuestionResult]) -> None:
    kinds = [QuestionKind.SINGLE, QuestionKind.MULTIPLE]
    for key, kind, chosen in answers.filter(question__kind__in=kinds).values_list(
        "question__key", "question__kind", "chosen"
    ):
        result = results.get(key)
        if result is None or result.question.kind != kind:
            continue
        result.answered += 1
        for option in chosen:
            if option in result.counts:
                result.counts[option] += 1


def _texts(answers, results: dict[str, QuestionResult]) -> None:
    keys = [k for k, r in results.items() if r.question.kind == QuestionKind.TEXT]
    if not keys:
        return
    text_answers = answers.filter(question__kind=QuestionKind.TEXT, question__key__in=keys)
    for key, n in text_answers.values_list("question__key").annotate(n=Count("pk")):
        results[key].answered = n
    latest = text_answers.exclude(text="").order_by("-response__submitted_at", "-pk")
    rows = latest.values_list(
        "question__key", "response__account__name", "text", "response__account_id"
    )
    for key, name, text, account_id in rows[: TEXTS_SHOWN * len(keys)]:
        if len(results[key].texts) < TEXTS_SHOWN:
            results[key].texts.append((name, text, account_id))


def _trends(answers) -> tuple[dict, dict]:
    """NPS and CSAT by month and by plan, from their first question of each kind's key."""
    tracked = answers.filter(question__kind__in=[QuestionKind.NPS, QuestionKind.CSAT])
    tracked = tracked.filter(number__isnull=False)
    monthly: dict[str, dict[date, dict[int, int]]] = defaultdict(lambda: defaultdict(dict))
    by_month = (
        tracked.annotate(month=TruncMonth("response__submitted_at"))
        .values("question__kind", "month", "number")
        .annotate(n=Count("pk"))
    )
    for row in by_month:
        month = row["month"].date() if hasattr(row["month"], "date") else row["month"]
        monthly[row["question__kind"]][month][row["number"]] = row["n"]
    plans: dict[str, dict[str, dict[int, int]]] = defaultdict(lambda: defaultdict(dict))
    by_plan = tracked.values("question__kind", "response__account__plan", "number").annotate(
        n=Count("pk")
    )
    for row in by_plan:
        plans[row["question__kind"]][row["response__account__plan"]][row["number"]] = row["n"]
    over_time = {
        kind: [(m, score_of(kind, c), sum(c.values())) for m, c in sorted(months.items())]
        for kind, months in monthly.items()
    }
    labels = dict(Plan.choices)
    order = {plan: n for n, plan in enumerate(labels)}  # cheapest plan first
    by_plans = {
        kind: [
            (labels.get(plan, plan), score_of(kind, counts), sum(counts.values()))
            for plan, counts in sorted(per_plan.items(), key=lambda item: order.get(item[0], 99))
        ]
        for kind, per_plan in plans.items()
    }
    return over_time, by_plans


def survey_results(survey: Survey, *, accounts: QuerySet | None = None) -> Results:
    """The survey's figures, for every account or for `accounts` (a plan, a segment)."""
    version = current_version(survey)
    questions = list(version.questions.all()) if version else []
    results = {
        q.key: QuestionResult(
            question=q, counts=dict.fromkeys(q.choices, 0) if q.kind not in SCALES else {}
        )
        for q in questions
    }
    sends = SurveySend.objects.filter(version__survey=survey)
    responses = SurveyResponse.objects.filter(version__survey=survey)
    if accounts is not None:
        sends, responses = (
            sends.filter(account__in=accounts),
            responses.filter(account__in=accounts),
        )
    counted = responses.aggregate(
        all=Count("pk"), answered_sends=Count("pk", filter=Q(send__isnull=False))
    )
    answers = _answers(survey, accounts)
    _scales(answers, results)
    _choices(answers, results)
    _texts(answers, results)
    over_time, by_plan = _trends(answers)
    return Results(
        survey=survey,
        sends=sends.count(),
        responses=counted["all"],
        answered_sends=counted["answered_sends"],
        questions=list(results.values()),
        over_time=over_time,
        by_plan=by_plan,
    )
