"""What a new install starts with: two meeting kinds and the booking e-mails.

The texts are files in `texts/` (diffable, editable in the admin once installed);
installing never overwrites an edit.
"""

from pathlib import Path

from activity.models import AppointmentKind

TEXTS_DIR = Path(__file__).resolve().parent / "texts"

MEETING_KINDS = [
    {
        "slug": "feature-walkthrough",
        "name": "Feature walkthrough",
        "duration_minutes": 30,
        "appointment_kind": AppointmentKind.WALKTHROUGH,
        "description": "A guided tour of the features you use, or want to start using, "
        "with time for your questions.",
    },
    {
        "slug": "success-session",
        "name": "Success session",
        "duration_minutes": 45,
        "appointment_kind": AppointmentKind.SUCCESS_SESSION,
        "description": "Your goals, how the product is helping, and the next steps "
        "we agree on together.",
    },
]

# key: (name, transactional). The confirmation, move and cancellation are transactional
# (sent despite an e-mail unsubscribe, as appointment reminders are); the offer is a nudge.
TEMPLATES = {
    "booking-confirmed": ("Booking confirmed (with invitation)", True),
    "booking-rescheduled": ("Booking moved (with invitation)", True),
    "booking-cancelled": ("Booking cancelled (with invitation)", True),
    "booking-offer": ("Offer a booking link", False),
}


def install_meeting_kinds(kind_model) -> int:
    """Create the starter meeting kinds that are missing (model class: migrations pass theirs)."""
    created = 0
    for values in MEETING_KINDS:
        _, was_created = kind_model.objects.get_or_create(slug=values["slug"], defaults=values)
        created += was_created
    return created


def install_templates(template_model) -> int:
    """Create the booking e-mails that are missing; never overwrite a manager's edits."""
    created = 0
    for key, (name, transactional) in TEMPLATES.items():
        values = {
            "name": name,
            "channel": "email",
            "audience": "customer",
            "transactional": transactional,
            "subject": (TEXTS_DIR / f"{key}.subject.txt").read_text().strip(),
            "body_text": (TEXTS_DIR / f"{key}.txt").read_text().strip() + "\n",
        }
        _, was_created = template_model.objects.get_or_create(key=key, defaults=values)
        created += was_created
    return created
