"""The workflows page's held first-run backlogs (workflows.backlogs): what is held, why,
and the manager's choice. Its own module and template include, beside the list view."""

from dataclasses import dataclass
from datetime import datetime, timedelta

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required, permission_required
from django.core.exceptions import ValidationError
from django.db.models import Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.views.decorators.http import require_POST

from core import clock

from . import backlogs
from .models import BacklogChoice, SegmentEnrollment, SweepBacklog
from .sweeps import BY_FUNCTION
from .triggers import BY_KEY

# A decided backlog stays on the page this long, so the team sees who chose what.
SHOWN_AFTER_FINISHING = timedelta(days=30)


class BacklogChoiceForm(forms.Form):
    choice = forms.ChoiceField(choices=BacklogChoice.choices)
    per_hour = forms.IntegerField(min_value=1, max_value=backlogs.MAX_PER_HOUR, required=False)

    def clean(self) -> dict:
        data = super().clean()
        if data.get("choice") == BacklogChoice.RAMP and not data.get("per_hour"):
            self.add_error("per_hour", "Say how many an hour.")
        return data


@dataclass(frozen=True)
class HeldBacklog:
    """One backlog as the page shows it, in words."""

    backlog: SweepBacklog
    sweep: str  # "Unused features"
    facts: str  # "Feature not used"
    remaining: int
    chosen_by: str
    choice: str  # "Ramp up at 200 an hour"
    # Set for a segment's enrollment held by the same guard ("Run playbook for this segment").
    enrollment: SegmentEnrollment | None = None

    @property
    def pk(self) -> int:
        return self.backlog.pk

    @property
    def found_at(self) -> datetime:
        return self.backlog.found_at


def backlogs_to_show() -> list[HeldBacklog]:
    """Undecided or still releasing backlogs, and those finished lately (one query)."""
    since = clock.now() - SHOWN_AFTER_FINISHING
    rows = SweepBacklog.objects.filter(Q(finished_at=None) | Q(finished_at__gte=since))
    shown = []
    for backlog in rows.select_related(
        "chosen_by", "enrollment__workflow", "enrollment__requested_by", "workflow"
    ):
        # A date-triggered workflow's first run is named "<sweep function>:<workflow id>".
        sweep = BY_FUNCTION.get(backlog.sweep.split(":")[0])
        enrollment = getattr(backlog, "enrollment", None)
        person = backlog.chosen_by
        choice = _choice_in_words(backlog)
        shown.append(
            HeldBacklog(
                backlog=backlog,
                sweep=f"“{backlog.workflow.name}”"
                if backlog.workflow
                else sweep.label
                if sweep
                else f"“{enrollment.workflow.name}” for segment “{enrollment.segment_name}”"
                if enrollment
                else backlog.sweep,
                facts=BY_KEY[backlog.workflow.trigger].name
                if backlog.workflow and backlog.workflow.trigger in BY_KEY
                else ", ".join(BY_KEY[kind].name for kind in sweep.kinds if kind in BY_KEY)
                if sweep
                else "",
                remaining=backlog.held - backlog.released
                if backlog.choice != BacklogChoice.FROM_NOW
                else 0,
                chosen_by=(person.get_full_name() or person.username) if person else "",
                choice=choice,
                enrollment=enrollment,
            )
        )
    return shown


# What fell due while a workflow was off (workflows.switching): the same choices, in its words.
MISSED_CHOICES = {BacklogChoice.FROM_NOW: "Skip them", BacklogChoice.ALL: "Catch up now"}


def _choice_in_words(backlog: SweepBacklog) -> str:
    if not backlog.choice:
        return ""
    if backlog.choice == BacklogChoice.RAMP:
        verb = "Catch up" if backlog.workflow_id else "Ramp up"
        return f"{verb} at {backlog.per_hour:,} an hour"
    if backlog.workflow_id:
        return MISSED_CHOICES[backlog.choice]
    return backlog.get_choice_display()


@login_required
@permission_required("workflows.change_workflow", raise_exception=True)
@require_POST
def backlog_choose(request: HttpRequest, pk: int) -> HttpResponse:
    """A manager decides what happens to a held backlog; bad input is a 400 with the page."""
    backlog = get_object_or_404(SweepBacklog, pk=pk)
    form = BacklogChoiceForm(request.POST)
    if not form.is_valid():
        from .views import workflow_list

        errors = "; ".join(" ".join(messages_) for messages_ in form.errors.values())
        messages.error(request, f"Nothing was chosen: {errors}")
        response = workflow_list(request)
        response.status_code = 400
        return response
    try:
        decided = backlogs.choose(
            backlog=backlog,
            choice=form.cleaned_data["choice"],
            per_hour=form.cleaned_data["per_hour"],
            user=request.user,
        )
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return redirect("workflows:list")
    if decided:
        messages.success(request, "Recorded. The held messages follow your choice.")
    else:
        messages.info(request, "Someone has already chosen for this backlog.")
    return redirect("workflows:list")
