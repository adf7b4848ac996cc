"""The managers' survey pages: the list, and the builder (new survey, edit).

A save checks the whole definition (building.parse_definition) and goes through
services.save_survey, which makes a new version once the survey was sent.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required, permission_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count, Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_GET, require_http_methods

from .building import parse_definition
from .forms import QuestionFormSet, SurveyForm, definition_from, initial_questions
from .models import Survey
from .services import current_version, definition_of, is_frozen, save_survey


@login_required
@permission_required("surveys.view_survey", raise_exception=True)
@require_GET
def survey_list(request: HttpRequest) -> HttpResponse:
    """Every survey with what it asks and how many answered."""
    surveys = Survey.objects.annotate(
        sends=Count("versions__sends", distinct=True),
        responses=Count("versions__responses", distinct=True),
        answered_sends=Count(
            "versions__responses", filter=Q(versions__responses__send__isnull=False), distinct=True
        ),
    ).order_by("name")
    rows = [
        {
            "survey": s,
            "rate": round(100 * s.answered_sends / s.sends) if s.sends else None,
        }
        for s in surveys
    ]
    return render(request, "surveys/list.html", {"rows": rows, "section": "surveys"})


def _builder(request, survey, survey_form, questions, errors, status=200) -> HttpResponse:
    version = current_version(survey) if survey else None
    context = {
        "survey": survey,
        "version": version,
        "frozen": bool(version and is_frozen(version)),
        "form": survey_form,
        "questions": questions,
        "errors": errors,
        "section": "surveys",
    }
    return render(request, "surveys/builder.html", context, status=status)


@login_required
@require_http_methods(["GET", "POST"])
def survey_edit(request: HttpRequest, pk: int | None = None) -> HttpResponse:
    """Build a new survey, or edit one (a new version once it was sent)."""
    permission = "surveys.change_survey" if pk else "surveys.add_survey"
    if not request.user.has_perm(permission):
        raise PermissionDenied
    survey = get_object_or_404(Survey, pk=pk) if pk else None
    if request.method == "GET":
        definition = definition_of(survey) if survey else {"questions": []}
        form = SurveyForm(initial=definition)
        questions = QuestionFormSet(initial=initial_questions(definition), prefix="q")
        return _builder(request, survey, form, questions, [])
    form = SurveyForm(request.POST)
    questions = QuestionFormSet(request.POST, prefix="q")
    if not (form.is_valid() and questions.is_valid()):
        return _builder(request, survey, form, questions, ["Correct the marked fields."], 400)
    try:
        spec = parse_definition(definition_from(form, questions))
    except ValidationError as refused:
        return _builder(request, survey, form, questions, refused.messages, 400)
    clash = Survey.objects.filter(key=spec.key).exclude(pk=survey.pk if survey else None)
    if clash.exists():
        errors = [f"Another survey already has the key {spec.key!r}."]
        return _builder(request, survey, form, questions, errors, 400)
    survey, version = save_survey(spec=spec, survey=survey, user=request.user)
    messages.success(request, f"Saved “{survey.name}” (version {version.number}).")
    return redirect("surveys:results", pk=survey.pk)
