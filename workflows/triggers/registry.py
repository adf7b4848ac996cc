"""Every kind of trigger, in one readable place: what it means, its key, its data.

Signal kinds are recorded by workflows.recording when a service announces a
change; time-based kinds by the sweeps (workflows.sweeps), into the same
table, with the same key and data builders (defined beside their domain's
data in this package).
"""

from __future__ import annotations

from django.dispatch import Signal

from accounts import signals as account_signals
from activity import signals as activity_signals
from conversations import signals as conversation_signals
from health import signals as health_signals
from pipelines import signals as pipeline_signals
from scoring import signals as scoring_signals
from surveys import signals as survey_signals

from . import (
    accounts,
    appointments,
    conversations,
    dates,
    feedback,
    health,
    manual,
    payments,
    scores,
    surveys,
    tasks,
    usage,
)
from .keys import account_window_key
from .kind import TriggerKind


def _appointment(
    *, key: str, name: str, description: str, signal: Signal, happened: str
) -> TriggerKind:
    """An appointment kind announced by the booking service, keyed `<id>:<what happened>`."""
    return TriggerKind(
        key=key,
        name=name,
        description=description,
        signal=signal,
        event_key=lambda a: f"appointment:{a['appointment_id']}:{happened}",
        data=appointments.announced_appointment,
    )


TRIGGERS: list[TriggerKind] = [
    TriggerKind(
        key="account_signed_up",
        name="Account signed up",
        description="The SaaS product reported a new account.",
        signal=account_signals.account_signed_up,
        event_key=lambda a: f"account:{a['account_id']}",
        data=accounts.signed_up,
        batch_data=accounts.signed_up_many,
    ),
    TriggerKind(
        key="account_imported",
        name="Account imported",
        description="An existing customer was brought in by a CSV import (not a new sign-up).",
        signal=account_signals.account_imported,
        event_key=lambda a: f"account:{a['account_id']}",
        data=accounts.signed_up,
        batch_data=accounts.signed_up_many,
    ),
    TriggerKind(
        key="health_status_changed",
        name="Health status changed by hand",
        description="A manager set the account's health status.",
        signal=account_signals.health_status_changed,
        event_key=lambda a: f"health:{a['change_id']}",
        data=accounts.health_changed,
    ),
    TriggerKind(
        key="happiness_changed",
        name="Happiness level changed",
        description="The account's happiness level changed (usually from feedback).",
        signal=account_signals.happiness_changed,
        event_key=lambda a: f"happiness:{a['change_id']}",
        data=accounts.happiness_changed,
    ),
    TriggerKind(
        key="feedback_submitted",
        name="Feedback submitted",
        description="A customer answered the feedback / NPS form.",
        signal=activity_signals.feedback_submitted,
        event_key=feedback.feedback_key,
        data=feedback.feedback,
    ),
    TriggerKind(
        key="survey_answered",
        name="Survey answered",
        description="A contact answered a survey; test its answers as data.answers.<question key>.",
        signal=survey_signals.survey_answered,
        event_key=surveys.response_key,
        data=surveys.survey_answered,
    ),
    TriggerKind(
        key="milestone_reached",
        name="Score reached a milestone",
        description="The score crossed a milestone threshold for the first time.",
        signal=scoring_signals.milestone_reached,
        event_key=scores.milestone_key,  # also the catch-up sweep's
        data=scores.milestone,
    ),
    TriggerKind(
        key="feature_session_recorded",
        name="Feature used",
        description="The SaaS product reported time spent in a feature.",
        signal=activity_signals.feature_session_recorded,
        event_key=lambda a: f"session:{a['session_id']}",
        data=usage.announced_session,
        batch_data=usage.announced_sessions,
    ),
    TriggerKind(
        key="login_recorded",
        name="Login",
        description="A customer logged in to the SaaS product.",
        signal=activity_signals.login_recorded,
        event_key=lambda a: f"login:{a['login_id']}",
        data=usage.login,
    ),
    TriggerKind(
        key="product_event",
        name="Product event",
        description="The SaaS product reported a custom event (e.g. a Segment track call "
        "with no mapping); test its name with data.event_name.",
        signal=activity_signals.product_event_recorded,
        event_key=lambda a: f"product_event:{a['product_event_id']}",
        data=usage.product_event,
    ),
    TriggerKind(
        key="payment_succeeded",
        name="Payment succeeded",
        description="An invoice was paid.",
        signal=activity_signals.payment_succeeded,
        event_key=lambda a: f"payment:{a['payment_id']}",
        data=payments.announced_payment,
    ),
    TriggerKind(
        key="payment_failed",
        name="Payment failed",
        description="A payment attempt failed.",
        signal=activity_signals.payment_failed,
        event_key=lambda a: f"payment:{a['payment_id']}",
        data=payments.announced_payment,
    ),
    TriggerKind(
        key="subscription_cancelled",
        name="Subscription cancelled",
        description="The account churned.",
        signal=account_signals.subscription_cancelled,
        event_key=lambda a: f"cancelled:{a['event_id']}",
        data=accounts.cancelled,
    ),
    TriggerKind(
        key="account_reactivated",
        name="Account reactivated",
        description="A churned account is a customer again (a new subscription or a payment).",
        signal=account_signals.account_reactivated,
        event_key=lambda a: f"reactivated:{a['event_id']}",
        data=accounts.reactivated,
    ),
    TriggerKind(
        key="plan_changed",
        name="Plan changed",
        description="The account moved to another plan.",
        signal=account_signals.plan_changed,
        event_key=lambda a: f"plan:{a['event_id']}",
        data=accounts.plan_changed,
    ),
    _appointment(
        key="appointment_booked",
        name="Appointment booked",
        description="A walkthrough or success session was booked.",
        signal=activity_signals.appointment_booked,
        happened="booked",
    ),
    TriggerKind(
        key="appointment_rescheduled",
        name="Appointment rescheduled",
        description="A booked appointment moved to another time.",
        signal=activity_signals.appointment_rescheduled,
        event_key=lambda a: (
            f"appointment:{a['appointment_id']}:from:{a['previous_starts_at'].isoformat()}"
        ),
        data=appointments.announced_appointment,
    ),
    _appointment(
        key="appointment_cancelled",
        name="Appointment cancelled",
        description="A booked appointment was called off.",
        signal=activity_signals.appointment_cancelled,
        happened="cancelled",
    ),
    _appointment(
        key="appointment_attended",
        name="Appointment attended",
        description="The customer showed up.",
        signal=activity_signals.appointment_attended,
        happened="attended",
    ),
    _appointment(
        key="appointment_no_show",
        name="Appointment no-show",
        description="The customer did not show up.",
        signal=activity_signals.appointment_no_show,
        happened="no_show",
    ),
    TriggerKind(
        key="task_created",
        name="Task submitted",
        description="A task was opened: by the customer's request form, staff or a workflow.",
        signal=activity_signals.task_created,
        event_key=lambda a: f"task:{a['task_id']}:created",
        data=tasks.announced_task,
    ),
    TriggerKind(
        key="task_resolved",
        name="Task resolved",
        description="A task was marked done.",
        signal=activity_signals.task_resolved,
        event_key=lambda a: f"task:{a['task_id']}:resolved",
        data=tasks.announced_task,
    ),
    TriggerKind(
        key="tag_added",
        name="Tag added",
        description="A tag was put on the account.",
        signal=account_signals.tag_added,
        event_key=lambda a: f"tag:{a['tag_event_id']}",
        data=accounts.tag_changed,
    ),
    TriggerKind(
        key="tag_removed",
        name="Tag removed",
        description="A tag was taken off the account.",
        signal=account_signals.tag_removed,
        event_key=lambda a: f"tag:{a['tag_event_id']}",
        data=accounts.tag_changed,
    ),
    TriggerKind(
        key="card_moved",
        name="Card moved",
        description="The account's card entered a stage of a pipeline.",
        signal=pipeline_signals.card_moved,
        event_key=lambda a: f"move:{a['move_id']}",
        data=accounts.card_moved,
    ),
    TriggerKind(
        key="contact_changed",
        name="Contact changed",
        description="A contact was added or changed (e.g. a new primary contact).",
        signal=account_signals.contact_changed,
        event_key=lambda a: f"contact:{a['event_id']}",
        data=accounts.contact_changed,
        batch_data=accounts.contacts_changed,
    ),
    TriggerKind(
        key="health_band_changed",
        name="Health band changed",
        description="The computed health score moved into another band (old/new band, "
        "the factors that moved most).",
        signal=health_signals.health_band_changed,
        event_key=health.band_key,
        data=health.health,
    ),
    TriggerKind(
        key="health_score_dropped",
        name="Health score dropped",
        description="The computed health score fell by the model's drop points or more "
        "within 7 days.",
        signal=health_signals.health_score_dropped,
        event_key=health.drop_key,
        data=health.health,
    ),
    TriggerKind(
        key="conversation_started",
        name="Conversation started",
        description="A contact opened a chat conversation (the widget, the portal or a "
        "playbook's chat message).",
        signal=conversation_signals.conversation_started,
        event_key=lambda a: f"conversation:{a['conversation_id']}:started",
        data=conversations.started,
    ),
    TriggerKind(
        key="customer_message_received",
        name="Customer chat message received",
        description="A contact wrote in a chat conversation; test data.body for words.",
        signal=conversation_signals.customer_message_received,
        event_key=lambda a: f"chat-message:{a['message_id']}",
        data=conversations.message_received,
    ),
    TriggerKind(
        key="first_response_overdue",
        name="Chat first response overdue",
        description="No staff reply within CHAT_FIRST_RESPONSE_HOURS business hours "
        "(data.level owner), then within CHAT_ESCALATION_HOURS (data.level manager).",
        signal=conversation_signals.first_response_overdue,
        event_key=conversations.first_response_key,
        data=conversations.first_response,
    ),
    # Recorded by the sweeps (workflows.sweeps); each key names the fact and its window.
    TriggerKind(
        key="account_inactive",
        name="Account inactive",
        description="No login for the inactivity period (once per inactive spell).",
        event_key=usage.inactive_spell_key,
        data=usage.inactivity,
    ),
    TriggerKind(
        key="feature_not_used",
        name="Feature not used",
        description="A feature not used within its own timeframe (re-checked every 45 days).",
        event_key=usage.unused_feature_key,
        data=usage.unused_feature,
    ),
    TriggerKind(
        key="affiliate_qualified",
        name="Affiliate threshold reached",
        description="The score is at or above the affiliate threshold (re-checked every 60 days).",
        event_key=account_window_key,
        data=scores.affiliate,
    ),
    TriggerKind(
        key="task_due_soon",
        name="Task due soon",
        description="An open task is due within 24 hours (once per deadline).",
        event_key=lambda row: tasks.deadline_key(row, "soon"),
        data=tasks.task_data,
    ),
    TriggerKind(
        key="task_overdue",
        name="Task overdue",
        description="An open task passed its deadline (once per deadline).",
        event_key=lambda row: tasks.deadline_key(row, "overdue"),
        data=tasks.task_data,
    ),
    TriggerKind(
        key="appointment_reminder_day",
        name="Appointment tomorrow",
        description="A booked appointment starts in a day (fresh after a reschedule).",
        event_key=appointments.reminder_key,
        data=appointments.reminder_data,
    ),
    TriggerKind(
        key="appointment_reminder_hour",
        name="Appointment in an hour",
        description="A booked appointment starts in an hour.",
        event_key=appointments.reminder_key,
        data=appointments.reminder_data,
    ),
    TriggerKind(
        key="nps_due",
        name="NPS survey due",
        description="The account has not been asked for an NPS answer for 90 days.",
        event_key=account_window_key,
        data=feedback.no_data,
    ),
    # Recorded by the date sweep (workflows.date_sweep), per workflow: its parameters say
    # which date and how many days before or after; each event starts that workflow only.
    TriggerKind(
        key=dates.DATE_REACHED,
        name="N days before/after a date",
        description="A number of days before or after a date on the account: its renewal "
        "date, its sign-up anniversary (yearly) or a custom date (once per date).",
        event_key=dates.occurrence_key,
        data=dates.reached,
    ),
    # Recorded by workflows.enrollment: "Start playbook…" on an account, "Run playbook for
    # this segment". Each event starts only the playbook it names.
    TriggerKind(
        key=manual.MANUAL,
        name="Started by hand",
        description="A person started the playbook for an account or a segment (only then).",
        event_key=manual.enrollment_key,
        data=manual.started,
    ),
]

BY_KEY: dict[str, TriggerKind] = {trigger.key: trigger for trigger in TRIGGERS}
BY_SIGNAL: dict[Signal, TriggerKind] = {t.signal: t for t in TRIGGERS if t.signal is not None}
CHOICES = [(trigger.key, trigger.name) for trigger in TRIGGERS]
