"""Workflows as data: a trigger, conditions and ordered steps; their versions and runs."""

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models

from accounts.models import Account
from core.causes import CausedModel
from core.lanes import Lane


class TriggerEvent(CausedModel):
    """Something that happened to an account, recorded with the change itself.

    `event_key` names the fact (e.g. "payment:42"): the database refuses a
    second event for the same fact, so a replayed input starts no new runs.
    """

    # Neither gets an index of its own: trigger_event_once leads with kind, and
    # the (account, …) indexes below lead with account. Each index is paid for
    # on every insert, and sweeps insert hundreds of thousands at a time.
    kind = models.CharField(max_length=40)
    account = models.ForeignKey(
        Account, on_delete=models.CASCADE, related_name="trigger_events", db_index=False
    )
    event_key = models.CharField(max_length=200)
    data = models.JSONField(default=dict, blank=True)
    # How many workflow runs led to this event (0: a person, the API or a sweep).
    depth = models.PositiveSmallIntegerField(default=0)
    processed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["kind", "event_key"], name="trigger_event_once"),
        ]
        indexes = [
            # The sweeps' "already reported for this account lately?" probes
            # (EXPLAIN showed a BitmapAnd over the whole kind without it); also
            # what deleting an account looks its events up by.
            models.Index(fields=["account", "kind", "-created_at"]),
            # The reconciler: events whose matching never ran.
            models.Index(fields=["processed_at", "created_at"]),
        ]

    def __str__(self) -> str:
        return f"{self.kind} on {self.account} ({self.event_key})"


class Workflow(models.Model):
    """A playbook: when `trigger` happens and the conditions hold, run the steps.

    Conditions and steps are edited here (the working copy); publishing
    snapshots them into a new WorkflowVersion, and runs execute a version,
    so an edit never changes a run already under way.
    """

    key = models.SlugField(max_length=80, unique=True)
    name = models.CharField(max_length=120)
    description = models.TextField(blank=True)
    trigger = models.CharField(max_length=40, db_index=True)
    # What a parameterised trigger needs: for "N days before/after a date"
    # (workflows.triggers.dates) the date field, days, direction and late-joiner policy.
    trigger_params = models.JSONField(default=dict, blank=True)
    is_active = models.BooleanField(default=True, help_text="Off: new events start no runs.")
    # Since when it is off (None while on): switching on again reports what became due
    # meanwhile for a manager's choice (workflows.switching).
    switched_off_at = models.DateTimeField(null=True, blank=True, editable=False)
    position = models.PositiveSmallIntegerField(default=0)
    # What the playbook is for (workflows.listeners): once it is met, runs in flight end as
    # "goal reached". {} for none; {"event": kind, "conditions": [...]} otherwise.
    goal = models.JSONField(default=dict, blank=True)
    current_version = models.ForeignKey(
        "WorkflowVersion", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["position", "key"]

    def __str__(self) -> str:
        return self.name


class ConditionOperator(models.TextChoices):
    EQUALS = "eq", "equals"
    NOT_EQUALS = "ne", "does not equal"
    AT_LEAST = "gte", "is at least"
    AT_MOST = "lte", "is at most"
    ONE_OF = "in", "is one of (comma-separated)"
    HAS_TAG = "has_tag", "has the tag"
    LACKS_TAG = "lacks_tag", "does not have the tag"
    IN_SEGMENT = "in_segment", "is in the segment"  # value: a shared segment's slug
    NOT_IN_SEGMENT = "not_in_segment", "is not in the segment"


class Condition(models.Model):
    """One test on the account or the trigger's data; all must hold."""

    workflow = models.ForeignKey(Workflow, on_delete=models.CASCADE, related_name="conditions")
    position = models.PositiveSmallIntegerField(default=0)
    subject = models.CharField(
        max_length=80,
        blank=True,
        help_text="account.plan, account.score, account.health_status, … or data.<key> "
        "(the trigger's data). Empty for tag and segment tests.",
    )
    operator = models.CharField(max_length=16, choices=ConditionOperator.choices)
    value = models.CharField(max_length=200, blank=True)

    class Meta:
        ordering = ["position", "id"]

    def __str__(self) -> str:
        return f"{self.subject} {self.get_operator_display()} {self.value}".strip()


class Step(models.Model):
    """One action of a workflow, in order (the working copy)."""

    workflow = models.ForeignKey(Workflow, on_delete=models.CASCADE, related_name="steps")
    position = models.PositiveSmallIntegerField(default=0)
    action = models.CharField(max_length=24)
    params = models.JSONField(default=dict, blank=True)

    class Meta:
        ordering = ["position", "id"]

    def __str__(self) -> str:
        return f"{self.position}. {self.action}"


class WorkflowVersion(models.Model):
    """An immutable snapshot of a workflow's conditions and steps."""

    workflow = models.ForeignKey(Workflow, on_delete=models.CASCADE, related_name="versions")
    number = models.PositiveIntegerField()
    trigger = models.CharField(max_length=40)
    trigger_params = models.JSONField(default=dict, blank=True)
    conditions = models.JSONField(default=list)
    steps = models.JSONField(default=list)
    goal = models.JSONField(default=dict, blank=True)
    created_at = models.DateTimeField()
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["workflow", "-number"]
        constraints = [
            models.UniqueConstraint(fields=["workflow", "number"], name="workflow_version_once"),
        ]

    def __str__(self) -> str:
        return f"{self.workflow} v{self.number}"


class RunStatus(models.TextChoices):
    SKIPPED = "skipped", "Skipped"  # conditions did not hold; `decisions` says why
    QUEUED = "queued", "Queued"  # waiting for a worker (or for its retry time)
    RUNNING = "running", "Running"  # claimed by a worker
    WAITING = "waiting", "Waiting"  # paused by a wait step until `resume_at`
    SUCCEEDED = "succeeded", "Succeeded"  # every step done
    FAILED = "failed", "Failed"  # a step kept failing; a manager can retry
    GOAL_REACHED = "goal_reached", "Goal reached"  # the goal was met; the rest was skipped


# Runs not finished: the goal ends them (a running one stops before its next step).
IN_FLIGHT = [RunStatus.QUEUED, RunStatus.RUNNING, RunStatus.WAITING]
# A wait-for step waiting for a condition on the account, not for an event kind.
CONDITION = "condition"


class Run(models.Model):
    """One workflow version applied to one trigger event for one account."""

    workflow = models.ForeignKey(Workflow, on_delete=models.CASCADE, related_name="runs")
    version = models.ForeignKey(WorkflowVersion, on_delete=models.PROTECT, related_name="runs")
    event = models.ForeignKey(TriggerEvent, on_delete=models.CASCADE, related_name="runs")
    account = models.ForeignKey(Account, on_delete=models.CASCADE, related_name="workflow_runs")
    status = models.CharField(max_length=12, choices=RunStatus.choices)
    # Interactive (someone waits on it) or bulk, from its cause (core.lanes); a row
    # written without one is bulk.
    lane = models.CharField(max_length=12, choices=Lane.choices, default=Lane.BULK)
    # Each condition with the value it saw and its result.
    decisions = models.JSONField(default=list, blank=True)
    # The next step's position (workflows.paths): its top-level step, and inside that
    # step's paths the rest of it ("1.0" for step 0 of path 1), "" at the top level.
    next_step = models.PositiveSmallIntegerField(default=0)
    next_path = models.CharField(max_length=40, blank=True, default="")
    # A wait-for step parked the run (workflows.listeners): the event kind it waits for
    # (or "condition"), since when, and what woke it ("" while waiting / timed out).
    waiting_for = models.CharField(max_length=40, blank=True, default="")
    waiting_since = models.DateTimeField(null=True, blank=True)
    woken_by = models.CharField(max_length=80, blank=True, default="")
    # The version's goal's event kind, or "condition", "" for none: what events end it.
    goal_kind = models.CharField(max_length=40, blank=True, default="")
    attempts = models.PositiveSmallIntegerField(default=0, help_text="Failed tries of the step.")
    due_at = models.DateTimeField(help_text="When a worker should (re)start or resume it.")
    claimed_at = models.DateTimeField(null=True, blank=True)
    last_error = models.TextField(blank=True)
    created_at = models.DateTimeField()
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["workflow", "event"], name="run_once_per_event"),
        ]
        indexes = [
            models.Index(fields=["status", "due_at"]),
            models.Index(fields=["account", "-created_at"]),
            models.Index(fields=["workflow", "status"]),
            # The drains' claim and the lanes' figures: open runs by lane, oldest due
            # first (only open rows are in it, so it stays small whatever the history).
            models.Index(
                fields=["lane", "due_at"],
                condition=models.Q(status__in=["queued", "waiting"]),
                name="run_open_by_lane",
            ),
            # What an event looks up: the account's runs in flight (waiting or with a goal).
            models.Index(
                fields=["account"],
                condition=models.Q(status__in=["queued", "running", "waiting"]),
                name="run_in_flight_by_account",
            ),
        ]

    def __str__(self) -> str:
        return f"Run #{self.pk} of {self.workflow} for {self.account}"


class StepOutcome(models.TextChoices):
    DONE = "done", "Done"  # the action ran (or found nothing to change)
    FAILED = "failed", "Failed"  # the last attempt raised; see error
    # Not run: its time had passed when a late joiner entered (workflows.schedule).
    SKIPPED = "skipped", "Skipped"


class StepResult(models.Model):
    """What one step of a run did. (run, position) is unique: a step runs once.

    `position` is the step's path (workflows.paths): "2" for the third top-level step,
    "2.1.0" for the first step of path 1 of that step.
    """

    run = models.ForeignKey(Run, on_delete=models.CASCADE, related_name="results")
    position = models.CharField(max_length=40)
    action = models.CharField(max_length=24)
    params = models.JSONField(default=dict, blank=True)
    outcome = models.CharField(max_length=8, choices=StepOutcome.choices)
    detail = models.TextField(blank=True, help_text="What the action did, in words.")
    error = models.TextField(blank=True)
    attempts = models.PositiveSmallIntegerField(default=1)
    finished_at = models.DateTimeField()
    # A decision's or a wait's reasons: each path's conditions with the values they saw.
    decisions = models.JSONField(default=list, blank=True)

    class Meta:
        ordering = ["run", "id"]
        constraints = [
            models.UniqueConstraint(fields=["run", "position"], name="step_result_once"),
        ]

    def __str__(self) -> str:
        return f"{self.run} step {self.position}: {self.outcome}"


# Each window is at least 1: a 0 would make every sweep fire on every run.
WINDOW_DAYS = [MinValueValidator(1), MaxValueValidator(365)]


class SweepRules(models.Model):
    """The time windows of the time-based playbooks; one row, edited in the admin."""

    inactivity_days = models.PositiveSmallIntegerField(
        "inactive after (days)",
        default=7,
        validators=WINDOW_DAYS,
        help_text="d1: no login for this many days makes an account inactive.",
    )
    feature_recheck_days = models.PositiveSmallIntegerField(
        "feature nudge at most every (days)",
        default=45,
        validators=WINDOW_DAYS,
        help_text="c2: at most one nudge per account and feature in this many days.",
    )
    affiliate_recheck_days = models.PositiveSmallIntegerField(
        "affiliate alert at most every (days)",
        default=60,
        validators=WINDOW_DAYS,
        help_text="h1: at most one affiliate alert per account in this many days.",
    )
    nps_every_days = models.PositiveSmallIntegerField(
        "NPS survey every (days)",
        default=90,
        validators=WINDOW_DAYS,
        help_text="Every active account is asked for an NPS answer this often.",
    )
    task_due_soon_hours = models.PositiveSmallIntegerField(
        "task due soon within (hours)",
        default=24,
        validators=[MinValueValidator(1), MaxValueValidator(24 * 14)],
        help_text="g1: warn the assignee when a task is due within this many hours.",
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = verbose_name_plural = "sweep rules"
        constraints = [
            models.CheckConstraint(condition=models.Q(id=1), name="sweep_rules_single_row"),
            models.CheckConstraint(
                condition=models.Q(
                    inactivity_days__gte=1,
                    feature_recheck_days__gte=1,
                    affiliate_recheck_days__gte=1,
                    nps_every_days__gte=1,
                    task_due_soon_hours__gte=1,
                ),
                name="sweep_rules_windows_at_least_one",
            ),
        ]

    def __str__(self) -> str:
        return "Sweep rules"


# --- first-run backlogs (#16: no flood on day one) -------------------------------------


class SweepStatus(models.Model):
    """That a sweep has run here before: its first run is the one that may be held."""

    sweep = models.CharField(max_length=60, unique=True)  # the function's name (BY_FUNCTION)
    first_run_at = models.DateTimeField()

    class Meta:
        verbose_name_plural = "sweep statuses"

    def __str__(self) -> str:
        return self.sweep


class BacklogChoice(models.TextChoices):
    FROM_NOW = "from_now", "Only from now on"
    RAMP = "ramp", "Ramp up"
    ALL = "all", "All now"


class SweepBacklog(models.Model):
    """A sweep's first run (or its run after a CSV import) found more due facts than the
    threshold: recorded, not acted on.

    Its trigger events are marked matched (the engine leaves them alone) and listed as
    HeldEvent rows until a manager chooses: only from now on (they stay handled, nothing
    is sent), ramp (`per_hour` released an hour) or all now.
    """

    sweep = models.CharField(max_length=60)
    # Set when it holds what became due while this workflow was off (workflows.switching):
    # the events of its trigger from `missed_from` to `found_at` that started no run of it.
    workflow = models.ForeignKey(
        Workflow, null=True, blank=True, on_delete=models.CASCADE, related_name="missed"
    )
    missed_from = models.DateTimeField(null=True, blank=True)
    # Why it was held, in words, when not the sweep's first run: "the CSV import of book.csv".
    occasion = models.CharField(max_length=300, blank=True)
    found_at = models.DateTimeField()
    held = models.PositiveIntegerField(help_text="How many due facts the run found.")
    released = models.PositiveIntegerField(default=0)
    choice = models.CharField(max_length=10, choices=BacklogChoice.choices, blank=True)
    per_hour = models.PositiveIntegerField(null=True, blank=True)
    chosen_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    chosen_at = models.DateTimeField(null=True, blank=True)
    # Set once nothing is left held (at once for "only from now on" and "all now").
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-found_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(choice="ramp") | models.Q(per_hour__gte=1),
                name="sweep_backlog_ramp_has_a_rate",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.sweep}: {self.held} held"


class HeldEvent(models.Model):
    """One trigger event of a backlog, waiting for the manager's choice (or the ramp)."""

    event = models.OneToOneField(
        TriggerEvent, primary_key=True, on_delete=models.CASCADE, related_name="+"
    )
    backlog = models.ForeignKey(SweepBacklog, on_delete=models.CASCADE, related_name="events")

    def __str__(self) -> str:
        return f"event {self.event_id} held by {self.backlog_id}"


# --- enrollment by hand (#18) -----------------------------------------------------------


class EnrollmentStatus(models.TextChoices):
    QUEUED = "queued", "Queued"  # batches are being enrolled (bulk lane)
    HELD = "held", "Held"  # more than the backlog threshold: a manager chooses (SweepBacklog)
    DONE = "done", "Done"  # every member was enrolled (or had been before)


class SegmentEnrollment(models.Model):
    """ "Run playbook for this segment": who asked, for how many, and how far it got.

    Its members are enrolled in batches of ENROLL_BATCH (workflows.enrollment), walking
    the segment by account id from `cursor`, so a batch that runs twice or a worker
    that dies resumes where it was; each account's event is unique per playbook, so
    an account is enrolled once however often the button is pressed.
    """

    workflow = models.ForeignKey(Workflow, on_delete=models.CASCADE, related_name="enrollments")
    segment = models.ForeignKey(
        "accounts.Segment", null=True, on_delete=models.SET_NULL, related_name="enrollments"
    )
    segment_name = models.CharField(max_length=80)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    requested_at = models.DateTimeField()
    status = models.CharField(max_length=8, choices=EnrollmentStatus.choices)
    members = models.PositiveIntegerField(help_text="The segment's count when it was asked.")
    started = models.PositiveIntegerField(default=0, help_text="Runs started (conditions held).")
    cursor = models.BigIntegerField(default=0, help_text="The last account id enrolled.")
    backlog = models.OneToOneField(
        SweepBacklog, null=True, blank=True, on_delete=models.SET_NULL, related_name="enrollment"
    )
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-requested_at", "-id"]

    def __str__(self) -> str:
        return f"{self.workflow} for {self.segment_name}"
