"""The segments part of the bench (#18): a segment's live count, and enrolling a segment.

Both on the seeded book: the count of two typical segments (a plan and a score floor;
a tag and a health status) over every account, and "Run playbook for this segment" for
the ~10,000 best-scored accounts, from the confirmation to every member's run queued
(the batches the bulk task walks; the runs' steps are the runs part's to measure).
"""

import statistics
import time

from django.conf import settings
from django.db import transaction

from accounts.models import Account, HealthStatus, Plan, Segment, Tag
from accounts.selectors import segment_count
from core import clock
from workflows.enrollment import enroll_queued_segments, enroll_segment
from workflows.models import Run, RunStatus, Step, Workflow
from workflows.services import publish
from workflows.triggers.manual import MANUAL

from .measure import Rollback


def _segment(name: str, filters: dict[str, str], owner) -> Segment:
    now = clock.now()
    return Segment.objects.create(
        name=name,
        slug=f"bench-{name}",
        filters=filters,
        owner=owner,
        is_shared=True,
        created_at=now,
        updated_at=now,
    )


def segment_counts(owner, repeats: int = 5) -> list[dict]:
    """Median seconds of a segment's count, for two typical segments (rolled back)."""
    tag = Tag.objects.filter(name="Active SaaS").first() or Tag.objects.order_by("pk").first()
    shapes = {
        "pro, score ≥ 300": {"plan": Plan.PRO, "score_min": "300"},
        f"tag {tag.name if tag else '-'}, healthy": {
            **({"tag": str(tag.pk)} if tag else {}),
            "health_status": HealthStatus.HEALTHY,
        },
    }
    results = []
    try:
        with transaction.atomic():
            for label, filters in shapes.items():
                segment = _segment(label.split(",")[0].replace(" ", "-"), filters, owner)
                times, count = [], 0
                for _ in range(repeats):
                    started = time.perf_counter()
                    count = segment_count(segment)
                    times.append(time.perf_counter() - started)
                results.append(
                    {"label": label, "count": count, "seconds": statistics.median(times)}
                )
            raise Rollback
    except Rollback:
        pass
    return results


def enroll_top_accounts(owner, size: int = 10_000) -> dict:
    """Enroll the `size` best-scored accounts in a one-step manual playbook (rolled back):
    seconds from the confirmation to every run queued, and how many."""
    floor = (
        Account.objects.order_by("-score").values_list("score", flat=True)[size - 1 : size].first()
        or 0
    )
    result: dict = {}
    try:
        with transaction.atomic():
            workflow = Workflow.objects.create(
                key="bench-enroll", name="Bench enroll", trigger=MANUAL
            )
            Step.objects.create(
                workflow=workflow, position=0, action="add_tag", params={"tag": "Bench"}
            )
            publish(workflow=workflow)
            workflow.refresh_from_db()
            segment = _segment("top", {"score_min": str(floor)}, owner)
            threshold = settings.SWEEP_BACKLOG_THRESHOLD
            settings.SWEEP_BACKLOG_THRESHOLD = 10 * size  # measure the batches, not the hold
            try:
                started = time.perf_counter()
                enrollment = enroll_segment(workflow=workflow, segment=segment, user=owner)
                enroll_queued_segments()
                seconds = time.perf_counter() - started
            finally:
                settings.SWEEP_BACKLOG_THRESHOLD = threshold
            result = {
                "members": enrollment.members,
                "queued": Run.objects.filter(workflow=workflow, status=RunStatus.QUEUED).count(),
                "seconds": seconds,
            }
            raise Rollback
    except Rollback:
        pass
    return result
