"""Every kind of trigger, in one readable place.

A trigger kind names a domain signal, says what it means, how its event is
identified (`event_key`: the same fact reported twice is one event), and
which data its workflows can test and use in texts (`data`). Signals'
events are written by workflows.recording; time-based triggers (inactivity,
reminders …) by the sweeps (workflows.sweeps), into the same table.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any

from django.dispatch import Signal

from accounts import signals as account_signals
from accounts.models import Account, AccountEvent, Contact, HealthStatus, Milestone, Plan
from activity import signals as activity_signals
from activity.models import Appointment, FeatureSession, Feedback, Payment, PaymentStatus, Task
from activity.payment_failures import explain_payment_failure
from core import clock
from pipelines import signals as pipeline_signals
from scoring import signals as scoring_signals
from scoring.selectors import scoring_rules

Data = dict[str, Any]


@dataclass(frozen=True)
class TriggerKind:
    key: str
    name: str
    description: str
    signal: Signal | None  # None: recorded by a sweep (workflows.sweeps), keyed there
    event_key: Callable[[Data], str] | None = None
    data: Callable[[Data], Data] = field(default=lambda kwargs: {})
    # The keys `data` returns, for the workflow editor and the docs.
    carries: tuple[str, ...] = ()
    # `data` for a whole batch at once, where it reads the database (one query, not one each).
    batch_data: Callable[[Sequence[Data]], list[Data]] | None = None

    def data_of(self, announcements: Sequence[Data]) -> list[Data]:
        """The data of each announcement, in order."""
        if self.batch_data is not None:
            return self.batch_data(announcements)
        return [self.data(kwargs) for kwargs in announcements]


def _event_data(event_id: int) -> Data:
    return AccountEvent.objects.values_list("data", flat=True).get(pk=event_id)


def _payment(kwargs: Data) -> Data:
    payment = Payment.objects.select_related("account").get(pk=kwargs["payment_id"])
    window_start = payment.occurred_at - timedelta(days=30)
    failures = Payment.objects.filter(
        account_id=payment.account_id,
        status=PaymentStatus.FAILED,
        occurred_at__gt=window_start,
        occurred_at__lte=payment.occurred_at,
    ).count()
    return {
        "payment_id": payment.pk,
        "amount": str(payment.amount),
        "currency": payment.currency,
        "invoice_id": payment.invoice_id or payment.external_id,
        "failure_reason": payment.failure_reason,
        # What the customer is told: the provider's code as a plain sentence.
        "failure_explanation": explain_payment_failure(payment.failure_reason),
        "paid_at": clock.format_local(payment.occurred_at, payment.account.timezone),
        "failures_last_30_days": failures,
    }


def _appointment(kwargs: Data) -> Data:
    appointment = Appointment.objects.select_related("assignee").get(pk=kwargs["appointment_id"])
    return {
        "appointment_id": appointment.pk,
        "appointment_kind": appointment.get_kind_display(),
        "starts_at": appointment.starts_at.isoformat(),
        "assignee_id": appointment.assignee_id,
        "staff_name": appointment.assignee.get_full_name() if appointment.assignee else "",
    }


def _task(kwargs: Data) -> Data:
    task = Task.objects.select_related("assignee", "account").get(pk=kwargs["task_id"])
    return {
        "task_id": task.pk,
        "contact_id": task.contact_id,
        "task_title": task.title,
        "source": task.source,
        "priority": task.priority,
        # As the customer reads it (their timezone) in an acknowledgement.
        "due_at": clock.format_local(task.due_at, task.account.timezone),
        "assignee_id": task.assignee_id,
        "assignee_name": task.assignee.get_full_name() if task.assignee else "",
    }


def _sessions(announcements: Sequence[Data]) -> list[Data]:
    sessions = FeatureSession.objects.select_related("feature").in_bulk(
        [kwargs["session_id"] for kwargs in announcements]
    )
    required = scoring_rules().feature_session_minutes
    return [_session_data(sessions[kwargs["session_id"]], required) for kwargs in announcements]


def _session_data(session: FeatureSession, required) -> Data:
    return {
        "feature_key": session.feature.key,
        "feature_name": session.feature.name,
        "feature_points": session.feature.points,
        "minutes": float(session.minutes),
        # The scoring rules' session length (editable in the admin) decides what counts.
        "long_enough": session.minutes >= required,
    }


def _contacts(announcements: Sequence[Data]) -> list[Data]:
    wanted = {
        kwargs[key] for kwargs in announcements for key in ("contact_id", "previous_primary_id")
    }
    contacts = Contact.objects.in_bulk(wanted - {None})
    return [_contact(kwargs, contacts) for kwargs in announcements]


def _contact(kwargs: Data, contacts: dict[int, Contact]) -> Data:
    contact = contacts[kwargs["contact_id"]]
    previous = contacts.get(kwargs.get("previous_primary_id"))
    return {
        "contact_id": contact.pk,
        "contact_name": contact.name,
        "fields": kwargs["fields"],
        # A new primary contact replacing another (not the account's first contact).
        "became_primary": bool(contact.is_primary and previous),
        "previous_contact_name": previous.name if previous else "",
    }


def _plan(kwargs: Data) -> Data:
    order = list(Plan.values)
    return {
        "from_plan": Plan(kwargs["from_plan"]).label,
        "to_plan": Plan(kwargs["to_plan"]).label,
        "upgrade": order.index(kwargs["to_plan"]) > order.index(kwargs["from_plan"]),
    }


def _signed_up(announcements: Sequence[Data]) -> list[Data]:
    accounts = Account.objects.select_related("owner").in_bulk(
        [kwargs["account_id"] for kwargs in announcements]
    )
    return [_account_data(accounts[kwargs["account_id"]]) for kwargs in announcements]


def _account_data(account: Account) -> Data:
    return {
        "plan": account.plan,
        "mrr": str(account.mrr),
        "owner_name": account.owner.get_full_name() if account.owner else "",
    }


TASK_DEADLINE_DATA = (
    "task_id",
    "task_title",
    "priority",
    "source",
    "due_at",
    "assignee_id",
    "assignee_name",
)
REMINDER_DATA = (
    "appointment_id",
    "appointment_kind",
    "starts_at",
    "staff_name",
    "contact_name",
    "reschedule_url",
)

TRIGGERS: list[TriggerKind] = [
    TriggerKind(
        "account_signed_up",
        "Account signed up",
        "The SaaS product reported a new account.",
        account_signals.account_signed_up,
        lambda kw: f"account:{kw['account_id']}",
        carries=("plan", "mrr", "owner_name"),
        batch_data=_signed_up,
    ),
    TriggerKind(
        "account_imported",
        "Account imported",
        "An existing customer was brought in by a CSV import (not a new sign-up).",
        account_signals.account_imported,
        lambda kw: f"account:{kw['account_id']}",
        carries=("plan", "mrr", "owner_name"),
        batch_data=_signed_up,
    ),
    TriggerKind(
        "health_status_changed",
        "Health status changed by hand",
        "A manager set the account's health status.",
        account_signals.health_status_changed,
        lambda kw: f"health:{kw['change_id']}",
        lambda kw: {
            "from_status": kw["from_status"],
            "to_status": kw["to_status"],
            "to_status_label": HealthStatus(kw["to_status"]).label,
            "note": kw["note"],
        },
        ("from_status", "to_status", "to_status_label", "note"),
    ),
    TriggerKind(
        "happiness_changed",
        "Happiness level changed",
        "The account's happiness level changed (usually from feedback).",
        account_signals.happiness_changed,
        lambda kw: f"happiness:{kw['change_id']}",
        lambda kw: {"from_level": kw["from_level"], "to_level": kw["to_level"]},
        ("from_level", "to_level"),
    ),
    TriggerKind(
        "feedback_submitted",
        "Feedback submitted",
        "A customer answered the feedback / NPS form.",
        activity_signals.feedback_submitted,
        # A changed answer is a new fact (b2 runs again); the first keeps its old key.
        lambda kw: (
            f"feedback:{kw['feedback_id']}" + (f":{kw['revision']}" if kw.get("revision") else "")
        ),
        lambda kw: {
            "feedback_id": kw["feedback_id"],
            "nps": kw["nps"],
            "comment": Feedback.objects.values_list("comment", flat=True).get(pk=kw["feedback_id"]),
            "previous_nps": kw.get("previous_nps"),  # None for a first answer
        },
        ("feedback_id", "nps", "comment", "previous_nps"),
    ),
    TriggerKind(
        "milestone_reached",
        "Score reached a milestone",
        "The score crossed a milestone threshold for the first time.",
        scoring_signals.milestone_reached,
        lambda kw: f"milestone:{kw['account_id']}:{kw['milestone']}",
        lambda kw: {
            "milestone": kw["milestone"],
            "milestone_label": Milestone(kw["milestone"]).label,
            "score": kw["score"],
        },
        ("milestone", "milestone_label", "score"),
    ),
    TriggerKind(
        "feature_session_recorded",
        "Feature used",
        "The SaaS product reported time spent in a feature.",
        activity_signals.feature_session_recorded,
        lambda kw: f"session:{kw['session_id']}",
        lambda kw: _sessions([kw])[0],
        ("feature_key", "feature_name", "feature_points", "minutes", "long_enough"),
        batch_data=_sessions,
    ),
    TriggerKind(
        "login_recorded",
        "Login",
        "A customer logged in to the SaaS product.",
        activity_signals.login_recorded,
        lambda kw: f"login:{kw['login_id']}",
        lambda kw: {
            "occurred_at": kw["occurred_at"].isoformat(),
            "days_since_previous": (kw["occurred_at"] - kw["previous_login_at"]).days
            if kw["previous_login_at"]
            else None,
        },
        ("occurred_at", "days_since_previous"),
    ),
    TriggerKind(
        "payment_succeeded",
        "Payment succeeded",
        "An invoice was paid.",
        activity_signals.payment_succeeded,
        lambda kw: f"payment:{kw['payment_id']}",
        _payment,
        ("payment_id", "amount", "currency", "invoice_id", "paid_at"),
    ),
    TriggerKind(
        "payment_failed",
        "Payment failed",
        "A payment attempt failed.",
        activity_signals.payment_failed,
        lambda kw: f"payment:{kw['payment_id']}",
        _payment,
        (
            "payment_id",
            "amount",
            "currency",
            "invoice_id",
            "failure_reason",
            "failure_explanation",
            "failures_last_30_days",
        ),
    ),
    TriggerKind(
        "subscription_cancelled",
        "Subscription cancelled",
        "The account churned.",
        account_signals.subscription_cancelled,
        lambda kw: f"cancelled:{kw['event_id']}",
        lambda kw: {"mrr_lost": _event_data(kw["event_id"]).get("mrr_lost", "")},
        ("mrr_lost",),
    ),
    TriggerKind(
        "plan_changed",
        "Plan changed",
        "The account moved to another plan.",
        account_signals.plan_changed,
        lambda kw: f"plan:{kw['event_id']}",
        _plan,
        ("from_plan", "to_plan", "upgrade"),
    ),
    TriggerKind(
        "appointment_booked",
        "Appointment booked",
        "A walkthrough or success session was booked.",
        activity_signals.appointment_booked,
        lambda kw: f"appointment:{kw['appointment_id']}:booked",
        _appointment,
        ("appointment_id", "appointment_kind", "starts_at", "assignee_id", "staff_name"),
    ),
    TriggerKind(
        "appointment_rescheduled",
        "Appointment rescheduled",
        "A booked appointment moved to another time.",
        activity_signals.appointment_rescheduled,
        lambda kw: (
            f"appointment:{kw['appointment_id']}:from:{kw['previous_starts_at'].isoformat()}"
        ),
        _appointment,
        ("appointment_id", "appointment_kind", "starts_at", "assignee_id", "staff_name"),
    ),
    TriggerKind(
        "appointment_cancelled",
        "Appointment cancelled",
        "A booked appointment was called off.",
        activity_signals.appointment_cancelled,
        lambda kw: f"appointment:{kw['appointment_id']}:cancelled",
        _appointment,
        ("appointment_id", "appointment_kind", "starts_at"),
    ),
    TriggerKind(
        "appointment_attended",
        "Appointment attended",
        "The customer showed up.",
        activity_signals.appointment_attended,
        lambda kw: f"appointment:{kw['appointment_id']}:attended",
        _appointment,
        ("appointment_id", "appointment_kind", "starts_at", "assignee_id", "staff_name"),
    ),
    TriggerKind(
        "appointment_no_show",
        "Appointment no-show",
        "The customer did not show up.",
        activity_signals.appointment_no_show,
        lambda kw: f"appointment:{kw['appointment_id']}:no_show",
        _appointment,
        ("appointment_id", "appointment_kind", "starts_at", "assignee_id", "staff_name"),
    ),
    TriggerKind(
        "task_created",
        "Task submitted",
        "A task was opened: by the customer's request form, staff or a workflow.",
        activity_signals.task_created,
        lambda kw: f"task:{kw['task_id']}:created",
        _task,
        (
            "task_id",
            "contact_id",
            "task_title",
            "source",
            "priority",
            "due_at",
            "assignee_id",
            "assignee_name",
        ),
    ),
    TriggerKind(
        "task_resolved",
        "Task resolved",
        "A task was marked done.",
        activity_signals.task_resolved,
        lambda kw: f"task:{kw['task_id']}:resolved",
        _task,
        ("task_id", "task_title", "source", "assignee_id", "assignee_name"),
    ),
    TriggerKind(
        "tag_added",
        "Tag added",
        "A tag was put on the account.",
        account_signals.tag_added,
        lambda kw: f"tag:{kw['tag_event_id']}",
        lambda kw: {"tag": kw["tag_name"]},
        ("tag",),
    ),
    TriggerKind(
        "tag_removed",
        "Tag removed",
        "A tag was taken off the account.",
        account_signals.tag_removed,
        lambda kw: f"tag:{kw['tag_event_id']}",
        lambda kw: {"tag": kw["tag_name"]},
        ("tag",),
    ),
    TriggerKind(
        "card_moved",
        "Card moved",
        "The account's card entered a stage of a pipeline.",
        pipeline_signals.card_moved,
        lambda kw: f"move:{kw['move_id']}",
        lambda kw: {
            "pipeline": kw["pipeline_key"],
            "from_stage": kw["from_stage"],
            "to_stage": kw["to_stage"],
        },
        ("pipeline", "from_stage", "to_stage"),
    ),
    TriggerKind(
        "contact_changed",
        "Contact changed",
        "A contact was added or changed (e.g. a new primary contact).",
        account_signals.contact_changed,
        lambda kw: f"contact:{kw['event_id']}",
        carries=("contact_id", "contact_name", "fields", "became_primary", "previous_contact_name"),
        batch_data=_contacts,
    ),
    # Recorded by the sweeps (workflows.sweeps), which key each fact and its window.
    TriggerKind(
        "account_inactive",
        "Account inactive",
        "No login for the inactivity period (once per inactive spell).",
        None,
        carries=("days_inactive", "never_logged_in"),
    ),
    TriggerKind(
        "feature_not_used",
        "Feature not used",
        "A feature not used within its own timeframe (re-checked every 45 days).",
        None,
        carries=("feature_key", "feature_name", "days_unused", "never_used"),
    ),
    TriggerKind(
        "affiliate_qualified",
        "Affiliate threshold reached",
        "The score is at or above the affiliate threshold (re-checked every 60 days).",
        None,
        carries=("score", "threshold"),
    ),
    TriggerKind(
        "task_due_soon",
        "Task due soon",
        "An open task is due within 24 hours (once per deadline).",
        None,
        carries=TASK_DEADLINE_DATA,
    ),
    TriggerKind(
        "task_overdue",
        "Task overdue",
        "An open task passed its deadline (once per deadline).",
        None,
        carries=TASK_DEADLINE_DATA,
    ),
    TriggerKind(
        "appointment_reminder_day",
        "Appointment tomorrow",
        "A booked appointment starts in a day (fresh after a reschedule).",
        None,
        carries=REMINDER_DATA,
    ),
    TriggerKind(
        "appointment_reminder_hour",
        "Appointment in an hour",
        "A booked appointment starts in an hour.",
        None,
        carries=REMINDER_DATA,
    ),
    TriggerKind(
        "nps_due",
        "NPS survey due",
        "The account has not been asked for an NPS answer for 90 days.",
        None,
    ),
]

BY_KEY: dict[str, TriggerKind] = {trigger.key: trigger for trigger in TRIGGERS}
BY_SIGNAL: dict[Signal, TriggerKind] = {t.signal: t for t in TRIGGERS if t.signal is not None}
CHOICES = [(trigger.key, trigger.name) for trigger in TRIGGERS]
