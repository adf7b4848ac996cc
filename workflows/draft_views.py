"""Staff pages for drafts and versions: review a draft (its diff against the live version
and what publishing it would do), publish or discard it; open any version read-only and
compare any two (or a version and the draft)."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required, permission_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_GET, require_POST

from . import diff, drafts, impact, listeners, paths, services
from .models import Workflow, WorkflowVersion

DRAFT = "draft"


@login_required
@permission_required("workflows.view_workflow", raise_exception=True)
@require_GET
def review(request: HttpRequest, pk: int) -> HttpResponse:
    """The draft against the live version, in words, with its impact and the buttons."""
    workflow = get_object_or_404(Workflow.objects.select_related("current_version"), pk=pk)
    draft = drafts.draft_of(workflow)
    context = {"workflow": workflow, "draft": draft, "live": drafts.is_live(workflow)}
    if draft is not None:
        current = workflow.current_version
        context |= {
            "changes": diff.compare(drafts.definition_of(current) if current else None, draft),
            "errors": _errors(draft),
            "impact": impact.preview(workflow, draft),
            "fingerprint": drafts.fingerprint(draft),
            "can_publish": request.user.has_perm("workflows.change_workflow"),
        }
    return render(request, "workflows/review.html", context)


@login_required
@permission_required("workflows.change_workflow", raise_exception=True)
@require_POST
def publish(request: HttpRequest, pk: int) -> HttpResponse:
    """Publish the reviewed draft; a refusal says why and publishes nothing."""
    workflow = get_object_or_404(Workflow, pk=pk)
    try:
        version = drafts.publish_draft(
            workflow=workflow, user=request.user, reviewed=request.POST.get("fingerprint", "")
        )
    except ValidationError as error:
        messages.error(request, "Not published: " + " ".join(error.messages))
        return redirect("workflows:review", pk=workflow.pk)
    messages.success(
        request,
        f"Published: new runs use version {version.number}; "
        "runs under way finish on the version they started with.",
    )
    return redirect("workflows:edit", pk=workflow.pk)


@login_required
@permission_required("workflows.change_workflow", raise_exception=True)
@require_POST
def discard(request: HttpRequest, pk: int) -> HttpResponse:
    """Throw the draft away: the working copy is the live version again."""
    workflow = get_object_or_404(Workflow, pk=pk)
    if drafts.discard(workflow=workflow):
        messages.success(request, "Draft discarded: the editor shows the live version again.")
    else:
        messages.info(request, "There was no draft to discard.")
    return redirect("workflows:edit", pk=workflow.pk)


@login_required
@permission_required("workflows.view_workflow", raise_exception=True)
@require_GET
def versions(request: HttpRequest, pk: int) -> HttpResponse:
    """Every version; `?show=N` opens one read-only, `?compare=N&with=M` (or `with=draft`)
    compares two. Unknown numbers are a message, not an error page."""
    workflow = get_object_or_404(Workflow.objects.select_related("current_version"), pk=pk)
    listed = list(workflow.versions.select_related("created_by").order_by("-number"))
    by_number = {str(version.number): version for version in listed}
    draft = drafts.draft_of(workflow)
    context = {"workflow": workflow, "versions": listed, "has_draft": draft is not None}
    status = 200
    if "show" in request.GET:
        shown = _definition(request.GET["show"], by_number, draft)
        if shown is None:
            context["problem"] = f"There is no version {request.GET['show']!r}."
            status = 400
        else:
            context["shown"] = {"name": _name(request.GET["show"]), **readable(shown)}
    if "compare" in request.GET:
        left = _definition(request.GET["compare"], by_number, draft)
        right = _definition(request.GET.get("with", ""), by_number, draft)
        if left is None or right is None:
            context["problem"] = "Choose two versions that exist to compare them."
            status = 400
        else:
            context["compared"] = {
                "left": _name(request.GET["compare"]),
                "right": _name(request.GET["with"]),
                "changes": diff.compare(left, right),
            }
    context["choices"] = [(DRAFT, "the draft")] * (draft is not None) + [
        (str(v.number), f"version {v.number}") for v in listed
    ]
    context["query"] = request.GET
    return render(request, "workflows/versions.html", context, status=status)


def readable(definition: dict) -> dict:
    """A definition as the read-only page lists it: trigger, conditions, goal, steps."""
    return {
        "trigger": diff.trigger_name(definition["trigger"]),
        "trigger_params": definition.get("trigger_params") or {},
        "conditions": [diff.condition_text(c) for c in definition["conditions"]],
        "goal": listeners.describe(definition["goal"]) if definition.get("goal") else "",
        "steps": [
            {"number": paths.label(path), "depth": depth, "text": diff.step_text(spec)}
            for path, spec, depth in paths.walk(definition["steps"])
        ],
    }


def _definition(
    reference: str, by_number: dict[str, WorkflowVersion], draft: dict | None
) -> dict | None:
    if reference == DRAFT:
        return draft
    version = by_number.get(reference.strip().lstrip("v"))
    return drafts.definition_of(version) if version else None


def _name(reference: str) -> str:
    return "the draft" if reference == DRAFT else f"version {reference.strip().lstrip('v')}"


def _errors(definition: dict) -> list[str]:
    """Why the draft could not be published now ([] if it can)."""
    try:
        services.validate_definition(definition)
    except ValidationError as error:
        return error.messages
    return []
