"""Activity events, announced after commit (see accounts.signals).

Every signal carries `account_id` and `cause`; the other arguments are listed.
"""

from django.dispatch import Signal

login_recorded = Signal()  # login_id, occurred_at, previous_login_at
feature_session_recorded = Signal()  # session_id, feature_key, minutes
payment_succeeded = Signal()  # payment_id
payment_failed = Signal()  # payment_id
appointment_booked = Signal()  # appointment_id
appointment_rescheduled = Signal()  # appointment_id, previous_starts_at
appointment_cancelled = Signal()  # appointment_id
appointment_attended = Signal()  # appointment_id
appointment_no_show = Signal()  # appointment_id
feedback_submitted = Signal()  # feedback_id, nps, revision, previous_nps (None if first)
task_created = Signal()  # task_id
task_resolved = Signal()  # task_id
product_event_recorded = Signal()  # product_event_id, name
