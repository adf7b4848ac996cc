"""The signal types a new install ships (editable in the admin): one per default detector.

Installed by a migration and by `install_signal_types` (idempotent: an edited type is
left as the team made it).
"""

from .models import Priority, SignalKind

SAVED, LOST = "Saved", "Churned"
SIGNAL_TYPES = [
    {
        "reason": "usage_drop",
        "kind": SignalKind.RISK,
        "title": "Usage dropped",
        "priority": Priority.HIGH,
        "due_in_days": 2,
        "next_step": "Call the primary contact: ask what changed and offer a walkthrough.",
        "outcomes": ["Recovered", "Saved", "Downgraded", "Churned", "False alarm"],
    },
    {
        "reason": "usage_spike",
        "kind": SignalKind.OPPORTUNITY,
        "title": "Usage spiked",
        "priority": Priority.NORMAL,
        "due_in_days": 5,
        "next_step": "Offer an upgrade conversation: they use twice their usual.",
        "outcomes": ["Upsold", "Not now", "False alarm"],
    },
    {
        "reason": "payment_failed_twice",
        "kind": SignalKind.RISK,
        "title": "Payment failed twice",
        "priority": Priority.HIGH,
        "due_in_days": 1,
        "next_step": "Call the billing contact to update the card before the next retry.",
        "outcomes": ["Card updated", "Paid", "Churned", "False alarm"],
    },
    {
        "reason": "detractor_nps",
        "kind": SignalKind.RISK,
        "title": "Detractor NPS",
        "priority": Priority.HIGH,
        "due_in_days": 2,
        "next_step": "Reply to their comment and book a success session.",
        "outcomes": ["Resolved", "Saved", "Churned", "No response"],
    },
    {
        "reason": "champion_left",
        "kind": SignalKind.RISK,
        "title": "Primary contact changed",
        "priority": Priority.NORMAL,
        "due_in_days": 5,
        "next_step": "Introduce yourself to the new primary contact and re-run onboarding.",
        "outcomes": ["New champion", "No response", "Churned"],
    },
    {
        "reason": "onboarding_stalled",
        "kind": SignalKind.LIFECYCLE,
        "title": "Onboarding stalled",
        "priority": Priority.HIGH,
        "due_in_days": 2,
        "next_step": "Offer a feature walkthrough: nobody has logged in since sign-up.",
        "outcomes": ["Onboarded", "No response", "Churned"],
    },
    {
        "reason": "advocacy",
        "kind": SignalKind.OPPORTUNITY,
        "title": "Ask for a testimonial",
        "priority": Priority.LOW,
        "due_in_days": 7,
        "next_step": "Promoter with high usage: ask for a testimonial or a reference.",
        "outcomes": ["Testimonial", "Reference", "Declined", "Not now"],
    },
    {
        "reason": "no_touch",
        "kind": SignalKind.RISK,
        "title": "No touch lately",
        "priority": Priority.NORMAL,
        "due_in_days": 3,
        "next_step": "A high-MRR account nobody has talked to lately: schedule a check-in.",
        "outcomes": ["Checked in", "No response"],
    },
    {
        "reason": "health_worsened",
        "kind": SignalKind.RISK,
        "title": "Health band worsened",
        "priority": Priority.HIGH,
        "due_in_days": 2,
        "next_step": "Read which factors fell on the account page, then call the primary contact.",
        "outcomes": ["Recovered", "Saved", "Downgraded", "Churned", "False alarm"],
    },
    {
        "reason": "playbook",
        "kind": SignalKind.RISK,
        "title": "Needs attention",
        "priority": Priority.NORMAL,
        "due_in_days": 3,
        "next_step": "See why the playbook raised it.",
        "outcomes": ["Resolved", "False alarm"],
    },
]


def install_signal_types(signal_type_model) -> int:
    """Create the shipped types that are missing; returns how many were created."""
    created = 0
    for spec in SIGNAL_TYPES:
        _, made = signal_type_model.objects.get_or_create(
            reason=spec["reason"], defaults={k: v for k, v in spec.items() if k != "reason"}
        )
        created += made
    return created


# The hourly sweep that wakes ended snoozes and runs every detector.
DETECTORS_SCHEDULE = {
    "name": "Signals: detectors",
    "func": "workqueue.tasks.run_detectors",
    "minutes": 60,
}
