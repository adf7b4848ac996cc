"""Chart.js configurations for the results page (drawn by static/js/charts.js)."""

from datetime import date

from .models import QuestionKind
from .results import QuestionResult

BLUE = "#0d6efd"
# NPS answers coloured as the score reads them: detractors, passives, promoters.
NPS_COLOURS = ["#dc3545"] * 7 + ["#ffc107"] * 2 + ["#198754"] * 2
SCORE_NAMES = {QuestionKind.NPS: "NPS", QuestionKind.CSAT: "CSAT (% satisfied)"}


def distribution_chart(result: QuestionResult) -> dict | None:
    """A bar per answer (scale value or option); None for free text."""
    if result.question.kind == QuestionKind.TEXT:
        return None
    labels = list(result.counts)
    colours = NPS_COLOURS if result.question.kind == QuestionKind.NPS else BLUE
    return {
        "type": "bar",
        "data": {
            "labels": labels,
            "datasets": [
                {
                    "label": "Answers",
                    "data": list(result.counts.values()),
                    "backgroundColor": colours,
                }
            ],
        },
        "options": {
            "maintainAspectRatio": False,
            "plugins": {"legend": {"display": False}},
            "scales": {"y": {"beginAtZero": True, "ticks": {"precision": 0}}},
            "indexAxis": "y" if len(labels) > 11 else "x",
        },
    }


def trend_chart(kind: str, points: list[tuple[date, float, int]]) -> dict:
    """The score month by month."""
    return {
        "type": "line",
        "data": {
            "labels": [month.strftime("%b %Y") for month, _, _ in points],
            "datasets": [
                {
                    "label": SCORE_NAMES.get(kind, kind),
                    "data": [score for _, score, _ in points],
                    "borderColor": BLUE,
                    "backgroundColor": BLUE,
                    "tension": 0.2,
                }
            ],
        },
        "options": {
            "maintainAspectRatio": False,
            "scales": {
                "y": {"suggestedMin": -100 if kind == QuestionKind.NPS else 0, "suggestedMax": 100}
            },
        },
    }
