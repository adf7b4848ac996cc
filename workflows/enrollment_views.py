""" "Run playbook for this segment": the count first, then the manager confirms."""

from django import forms
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required, permission_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render

from accounts.filters import visible_segments

from .enrollment import enroll_segment, segment_members, startable_playbooks
from .models import EnrollmentStatus


class EnrollSegmentForm(forms.Form):
    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["playbook"] = forms.ModelChoiceField(
            queryset=startable_playbooks(), label="Playbook", empty_label="Choose a playbook…"
        )

    confirm = forms.BooleanField(required=False, widget=forms.HiddenInput)


@login_required
@permission_required("workflows.change_run", raise_exception=True)
def enroll_segment_view(request: HttpRequest, pk: int) -> HttpResponse:
    """GET: the segment's count and a playbook to choose. POST without `confirm`: the
    preview (how many, how many held). POST with it: enrolled in bulk batches."""
    segment = get_object_or_404(visible_segments(request.user), pk=pk)
    form = EnrollSegmentForm(request.POST or None)
    try:
        count = segment_members(segment).count()
        problem = ""
    except ValidationError as refusal:
        count, problem = None, " ".join(refusal.messages)
    context = {
        "segment": segment,
        "count": count,
        "problem": problem,
        "form": form,
        "threshold": settings.SWEEP_BACKLOG_THRESHOLD,
        "preview": None,
    }
    if request.method != "POST":
        return render(request, "workflows/enroll_segment.html", context)
    if problem or not form.is_valid():
        return render(request, "workflows/enroll_segment.html", context, status=400)
    workflow = form.cleaned_data["playbook"]
    if not form.cleaned_data["confirm"]:
        context["preview"] = workflow
        return render(request, "workflows/enroll_segment.html", context)
    try:
        enrollment = enroll_segment(workflow=workflow, segment=segment, user=request.user)
    except ValidationError as refusal:
        form.add_error(None, refusal)
        return render(request, "workflows/enroll_segment.html", context, status=400)
    if enrollment.status == EnrollmentStatus.HELD:
        messages.warning(
            request,
            f"{enrollment.members:,} accounts is more than {context['threshold']:,}: recorded "
            "and held. Choose below how they are released.",
        )
    else:
        messages.success(
            request,
            f"“{workflow.name}” is being run for the {enrollment.members:,} accounts of "
            f"“{segment.name}”, in batches (accounts enrolled before are left alone).",
        )
    return redirect("workflows:list")
