"""A survey's results page (figures and charts, by plan or segment) and its CSV export."""

from django.contrib.auth.decorators import login_required, permission_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.views.decorators.http import require_GET

from accounts.filters import SegmentInvalid, saved_filter_members, visible_segments
from accounts.models import Account, Plan
from core.csv_export import csv_response

from . import results as figures
from .charts import distribution_chart, trend_chart
from .models import Survey, SurveyResponse
from .services import current_version


def _scope(request: HttpRequest) -> tuple[dict, object, str]:
    """The plan and segment chosen in the filter bar: (choices for the form, accounts, error)."""
    segments = list(visible_segments(request.user).order_by("name"))
    plan = request.GET.get("plan", "")
    segment_id = request.GET.get("segment", "")
    accounts, error = None, ""
    if plan in Plan.values:
        accounts = Account.objects.filter(plan=plan)
    else:
        plan = ""
    segment = next((s for s in segments if str(s.pk) == segment_id), None)
    if segment is not None:
        try:
            members = saved_filter_members(segment.filters, accounts)
            accounts = members
        except SegmentInvalid as refusal:
            error = f"“{segment.name}” no longer applies: {refusal.message}"
            segment = None
    form = {"plans": Plan.choices, "plan": plan, "segments": segments, "segment": segment}
    return form, accounts, error


@login_required
@permission_required("surveys.view_survey", raise_exception=True)
@require_GET
def survey_results(request: HttpRequest, pk: int) -> HttpResponse:
    """Response rate, each question's distribution, NPS and CSAT over time and by plan."""
    survey = get_object_or_404(Survey, pk=pk)
    scope, accounts, error = _scope(request)
    results = figures.survey_results(survey, accounts=accounts)
    questions = [
        {"result": r, "chart": distribution_chart(r), "chart_id": f"q-{r.question.key}"}
        for r in results.questions
    ]
    trends = [
        {
            "kind": kind,
            "chart": trend_chart(kind, points),
            "chart_id": f"trend-{kind}",
            "by_plan": results.by_plan.get(kind, []),
        }
        for kind, points in results.over_time.items()
    ]
    context = {
        "survey": survey,
        "version": current_version(survey),
        "results": results,
        "questions": questions,
        "trends": trends,
        "scope": scope,
        "scope_error": error,
        "query": request.GET.urlencode(),
        "section": "surveys",
    }
    return render(request, "surveys/results.html", context)


@login_required
@permission_required("surveys.view_surveyresponse", raise_exception=True)
@require_GET
def survey_csv(request: HttpRequest, pk: int) -> HttpResponse:
    """One row per response: when, who, which version, then every question's answer by key."""
    survey = get_object_or_404(Survey, pk=pk)
    _, accounts, _ = _scope(request)
    version = current_version(survey)
    keys = [q.key for q in version.questions.all()] if version else []
    responses = (
        SurveyResponse.objects.filter(version__survey=survey)
        .select_related("account", "contact", "version")
        .prefetch_related("answers__question")
        .order_by("submitted_at", "pk")
    )
    if accounts is not None:
        responses = responses.filter(account__in=accounts)

    def rows():
        for response in responses.iterator(chunk_size=500):
            answers = {a.question.key: a.value for a in response.answers.all()}
            yield [
                response.submitted_at,
                response.version.number,
                response.account.external_id,
                response.account.name,
                response.account.get_plan_display(),
                response.contact.email if response.contact else "",
                *(_cell(answers.get(key)) for key in keys),
            ]

    header = ["submitted_at", "version", "account_id", "account", "plan", "contact_email", *keys]
    return csv_response(filename=f"survey-{survey.key}.csv", header=header, rows=rows())


def _cell(value: object) -> object:
    return "; ".join(value) if isinstance(value, list) else value
