"""django-q2 entry points for the conversation sweeps (each safe to run twice at once)."""

from .offline import email_unread_messages as _email_unread
from .timeouts import first_response_timeouts as _timeouts


def email_unread_messages() -> int:
    return _email_unread()


def first_response_timeouts() -> int:
    return _timeouts()
