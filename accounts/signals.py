"""What happened to an account, announced after commit (core.handover.record_and_announce).

Every signal carries `account_id` and the `cause` (core.causes.Cause); the
rest of its arguments are listed beside it. The workflow engine turns them
into trigger events; nothing in here decides what happens next.
"""

from django.dispatch import Signal

account_signed_up = Signal()  # account_id, cause
account_imported = Signal()  # account_id, cause (an existing customer from a CSV import)
tag_added = Signal()  # account_id, tag_name, tag_event_id, cause
tag_removed = Signal()  # account_id, tag_name, tag_event_id, cause
health_status_changed = Signal()  # account_id, change_id, from_status, to_status, note, cause
happiness_changed = Signal()  # account_id, change_id, from_level, to_level, cause
plan_changed = Signal()  # account_id, event_id, from_plan, to_plan, cause
subscription_cancelled = Signal()  # account_id, event_id, cause
account_reactivated = Signal()  # account_id, event_id, how ("payment" / "subscription"), cause
contact_changed = Signal()  # account_id, event_id, contact_id, previous_primary_id, fields, cause

# Sent INSIDE the transaction of a manual health change (the exception to the above), so
# what must show at once, the Customer Health Status card, changes with the status or
# not at all: account (locked), account_id, change_id, from_status, to_status, cause.
health_status_set = Signal()
