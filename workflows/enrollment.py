"""Enrollment by hand: start a playbook for one account, or for every account of a segment.

An enrollment records one "manual" trigger event per account (workflows.triggers.manual)
whose key names the playbook and the account, so the database refuses a second one:
an account is enrolled in a playbook once, however often the button is pressed or
submitted at the same time (trigger_event_once, then run_once_per_event). The event is
recorded as matched and its run created beside it, the playbook's conditions tested as
the engine tests them (segment conditions for the whole batch at once), then the engine
drains the runs as usual.

One account ("Start playbook…") is interactive: a person waits. A segment is bulk work,
walked by account id in batches of ENROLL_BATCH by the `enroll_segments` task; a segment
larger than SWEEP_BACKLOG_THRESHOLD is recorded but held for a manager's choice on the
workflows page (workflows.backlogs), like a sweep's first run: released events go
through the engine's matching, which starts the playbook they name.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import BigIntegerField, CharField, Exists, F, OuterRef, QuerySet, Value
from django.db.models.functions import Cast, Concat

from accounts.filters import SegmentInvalid, saved_filter_members
from accounts.models import Account, Segment
from core import clock
from core.bulk import insert_selected
from core.causes import Cause, CauseKind
from core.lanes import BULK, INTERACTIVE
from core.queue import wake_on_commit

from .backlogs import hold
from .conditions import Memberships, evaluate
from .matching import RUNS_TASK
from .models import (
    EnrollmentStatus,
    HeldEvent,
    Run,
    RunStatus,
    SegmentEnrollment,
    TriggerEvent,
    Workflow,
)
from .triggers.manual import MANUAL, enrollment_key, started

ENROLL_TASK = "workflows.tasks.enroll_segments"
ENROLL_BATCH = 1000
NOTE_LENGTH = 500


@dataclass(frozen=True)
class Started:
    """What enrolling one account did: a run started, skipped by its conditions, or
    nothing because the account was enrolled before (`run` is then that earlier run)."""

    run: Run | None
    new: bool


def startable_playbooks() -> QuerySet[Workflow]:
    """The playbooks a person may start by hand: active and published, "manual" ones first."""
    return (
        Workflow.objects.filter(is_active=True, current_version__isnull=False)
        .select_related("current_version")
        .order_by("position", "key")
    )


def _playbook_data(workflow: Workflow, user, note: str) -> dict:
    """The event's data, built by the manual kind's own builder (what its playbooks test)."""
    return started(
        {
            "playbook": workflow.key,
            "note": note,
            "started_by": (user.get_full_name() or user.username) if user else "",
        }
    )


def _check(workflow: Workflow, note: str) -> None:
    if not workflow.is_active or workflow.current_version_id is None:
        raise ValidationError(
            f"“{workflow.name}” is switched off or not published: it starts no runs.",
            code="inactive",
        )
    if len(note) > NOTE_LENGTH:
        raise ValidationError(f"The note is at most {NOTE_LENGTH} characters.", code="long_note")


def start_playbook(*, workflow: Workflow, account: Account, user, note: str = "") -> Started:
    """A person starts `workflow` for `account` ("Start playbook…"), with an optional note.

    Interactive: the run is queued at once and a worker woken after commit. A second
    call (a double click, two tabs) changes nothing and returns the first run.
    """
    note = note.strip()
    _check(workflow, note)
    cause = Cause.by_user(user, f"started “{workflow.name}” by hand")
    created = enroll_accounts(
        workflow=workflow,
        account_ids=[account.pk],
        cause=cause,
        lane=INTERACTIVE,
        data=_playbook_data(workflow, user, note),
    )
    run = (
        Run.objects.filter(
            workflow=workflow,
            event__kind=MANUAL,
            event__event_key=enrollment_key({"workflow_id": workflow.pk, "account_id": account.pk}),
        )
        .select_related("event")
        .first()
    )
    return Started(run=run, new=bool(created))


def enroll_accounts(
    *, workflow: Workflow, account_ids: list[int], cause: Cause, lane: str, data: dict
) -> int:
    """Enroll a batch of accounts in `workflow` in one transaction; how many were new.

    One INSERT for the events (a repeat is skipped by trigger_event_once), one read of
    the new ones with their accounts and tags, one INSERT for the runs (a concurrent
    twin is skipped by run_once_per_event). Events held by a backlog stay held.
    """
    now = clock.now()
    version = workflow.current_version
    keys = {
        enrollment_key({"workflow_id": workflow.pk, "account_id": pk}): pk for pk in account_ids
    }
    with transaction.atomic():
        TriggerEvent.objects.bulk_create(
            [
                TriggerEvent(
                    kind=MANUAL,
                    account_id=pk,
                    event_key=key,
                    data=data,
                    processed_at=now,
                    created_at=now,
                    **cause.as_fields(),
                )
                for key, pk in keys.items()
            ],
            ignore_conflicts=True,
            batch_size=ENROLL_BATCH,
        )
        events = (
            TriggerEvent.objects.filter(kind=MANUAL, event_key__in=list(keys))
            .exclude(Exists(Run.objects.filter(event=OuterRef("pk"))))
            .exclude(Exists(HeldEvent.objects.filter(event=OuterRef("pk"))))
            .only("data", "account_id")
        )
        # The accounts and their tags are read only for a playbook with conditions to test.
        if version.conditions:
            events = events.select_related("account").prefetch_related("account__tags")
        events = list(events)
        memberships = Memberships([event.account_id for event in events])
        runs = []
        for event in events:
            matched, decisions = True, []
            if version.conditions:
                matched, decisions = evaluate(
                    version.conditions,
                    account=event.account,
                    data=event.data,
                    tags={tag.name.casefold() for tag in event.account.tags.all()},
                    memberships=memberships,
                )
            runs.append(
                Run(
                    workflow=workflow,
                    version=version,
                    event=event,
                    account_id=event.account_id,
                    status=RunStatus.QUEUED if matched else RunStatus.SKIPPED,
                    lane=lane,
                    decisions=decisions,
                    due_at=now,
                    created_at=now,
                    finished_at=None if matched else now,
                )
            )
        Run.objects.bulk_create(runs, ignore_conflicts=True, batch_size=ENROLL_BATCH)
        if any(run.status == RunStatus.QUEUED for run in runs):
            wake_on_commit(RUNS_TASK)
    return len(runs)


# --- a whole segment ----------------------------------------------------------------


def segment_members(segment: Segment) -> QuerySet[Account]:
    """The segment's accounts now; ValidationError (in words) if it no longer applies."""
    try:
        return saved_filter_members(segment.filters)
    except SegmentInvalid as refusal:
        raise ValidationError(
            f"The segment “{segment.name}” no longer applies: {refusal.message}",
            code="invalid_segment",
        ) from None


def enroll_segment(*, workflow: Workflow, segment: Segment, user) -> SegmentEnrollment:
    """A manager runs `workflow` for every account of `segment` (after seeing the count).

    Up to SWEEP_BACKLOG_THRESHOLD members are queued as bulk batches (`enroll_segments`,
    woken after commit). More are recorded at once (one INSERT … SELECT) but held: the
    workflows page asks a manager for only-from-now / ramp / all-now, as for a sweep's
    first run. Members enrolled before are left as they are.
    """
    _check(workflow, "")
    members = segment_members(segment)
    now = clock.now()
    with transaction.atomic():
        count = members.count()
        enrollment = SegmentEnrollment.objects.create(
            workflow=workflow,
            segment=segment,
            segment_name=segment.name,
            requested_by=user,
            requested_at=now,
            status=EnrollmentStatus.QUEUED,
            members=count,
        )
        if count > settings.SWEEP_BACKLOG_THRESHOLD:
            _hold_segment(enrollment, members, user=user, now=now)
        else:
            wake_on_commit(ENROLL_TASK)
    return enrollment


def _segment_cause(enrollment: SegmentEnrollment, user) -> Cause:
    """Bulk work on a person's behalf: recorded as theirs, in the bulk lane (a system
    cause, so the engine's matching of released events keeps it bulk too)."""
    return Cause(
        CauseKind.SYSTEM,
        user=user,
        reason=f"“{enrollment.workflow.name}” run for segment “{enrollment.segment_name}”",
    )


def _hold_segment(enrollment: SegmentEnrollment, members: QuerySet, *, user, now) -> None:
    """Record every member's event in one statement, matched, and hold the new ones."""
    workflow = enrollment.workflow
    fields = _segment_cause(enrollment, user).as_fields()
    insert_selected(
        TriggerEvent,
        members,
        {
            "kind": Value(MANUAL),
            "account": F("pk"),
            "event_key": Concat(
                Value(f"manual:{workflow.pk}:"), Cast("pk", CharField()), output_field=CharField()
            ),
            "data": Value(_playbook_data(workflow, user, ""), output_field=TriggerEvent.data.field),
            "depth": Value(0),
            "processed_at": Value(now),
            "created_at": Value(now),
            "cause_kind": Value(fields["cause_kind"]),
            # Cast: a bare NULL in PostgreSQL's derived table would be text.
            "cause_user": Cast(Value(user.pk if user else None), BigIntegerField()),
            "cause_run_id": Cast(Value(None), BigIntegerField()),
            "cause_reason": Value(fields["cause_reason"]),
        },
    )
    fresh = TriggerEvent.objects.filter(
        kind=MANUAL, event_key__startswith=f"manual:{workflow.pk}:", created_at=now
    ).exclude(Exists(Run.objects.filter(event=OuterRef("pk"))))
    backlog = hold(f"enrollment:{enrollment.pk}", fresh, found_at=now)
    SegmentEnrollment.objects.filter(pk=enrollment.pk).update(
        status=EnrollmentStatus.HELD, backlog=backlog, finished_at=now
    )


def enroll_next_batch(enrollment_id: int) -> int:
    """Enroll the next ENROLL_BATCH members of a queued segment enrollment; how many.

    The batch and the cursor's advance commit together, so a batch run twice (a retried
    task, two workers) enrolls nobody twice and skips nobody.
    """
    with transaction.atomic():
        enrollment = (
            SegmentEnrollment.objects.select_for_update(of=("self",))
            .select_related("workflow__current_version", "segment", "requested_by")
            .filter(pk=enrollment_id, status=EnrollmentStatus.QUEUED)
            .first()
        )
        if enrollment is None:
            return 0
        ids = []
        if enrollment.segment is not None and enrollment.workflow.is_active:
            try:
                members = segment_members(enrollment.segment)
            except ValidationError:
                members = Account.objects.none()  # it changed since: stop where it is
            ids = list(
                members.filter(pk__gt=enrollment.cursor)
                .order_by("pk")
                .values_list("pk", flat=True)[:ENROLL_BATCH]
            )
        started = 0
        if ids:
            user = enrollment.requested_by
            started = enroll_accounts(
                workflow=enrollment.workflow,
                account_ids=ids,
                cause=_segment_cause(enrollment, user),
                lane=BULK,
                data=_playbook_data(enrollment.workflow, user, ""),
            )
        done = len(ids) < ENROLL_BATCH
        SegmentEnrollment.objects.filter(pk=enrollment.pk).update(
            cursor=ids[-1] if ids else enrollment.cursor,
            started=F("started") + started,
            **({"status": EnrollmentStatus.DONE, "finished_at": clock.now()} if done else {}),
        )
    return len(ids)


def enroll_queued_segments(*, until: datetime | None = None) -> int:
    """Every queued segment enrollment, batch by batch (the task; also the reconciler's,
    for a lost wake-up); how many accounts were walked. Stops at `until` if given."""
    walked = 0
    for enrollment_id in SegmentEnrollment.objects.filter(
        status=EnrollmentStatus.QUEUED
    ).values_list("pk", flat=True):
        while batch := enroll_next_batch(enrollment_id):
            walked += batch
            if until is not None and clock.now() >= until:
                return walked
    return walked
