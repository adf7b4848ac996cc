"""Sending a survey to a contact: a SurveySend (the link's identity) and its e-mail.

`send_survey` is the door for the e-mail; `open_send` is the send alone, for a
delivery of its own (the playbook step's chat poll, surveys.polls).
"""

import secrets
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from accounts.models import Account, Contact
from core import clock
from core.causes import Cause
from notifications.models import Message
from notifications.services import queue_customer_message

from .links import survey_links
from .models import Survey, SurveySend
from .services import current_version

DEFAULT_TEMPLATE = "survey-invitation"


@dataclass(frozen=True)
class SentSurvey:
    send: SurveySend
    message: Message
    created: bool  # False: this cause had already sent it to this contact


def _send_once(
    *, survey: Survey, account: Account, contact: Contact, cause: Cause, cause_key: str
) -> tuple[SurveySend, bool]:
    existing = SurveySend.objects.filter(cause_key=cause_key, contact=contact).first()
    if existing is not None:
        return existing, False
    version = current_version(survey)
    if version is None or not version.questions.exists():
        raise ValidationError(f"The survey “{survey.name}” has no questions yet.", code="empty")
    try:
        with transaction.atomic():
            send = SurveySend.objects.create(
                version=version,
                account=account,
                contact=contact,
                nonce=secrets.token_urlsafe(12),
                cause_key=cause_key,
                created_at=clock.now(),
                **cause.as_fields(),
            )
    except IntegrityError:
        return SurveySend.objects.get(cause_key=cause_key, contact=contact), False
    return send, True


@transaction.atomic
def open_send(
    *,
    survey: Survey,
    account: Account,
    cause: Cause,
    cause_key: str,
    contact: Contact | None = None,
) -> tuple[SurveySend, bool]:
    """The send of `survey` to `contact` (else the primary contact) for this cause, made once.

    ValidationError when there is nobody to ask or the survey has no questions.
    """
    contact = contact or account.contacts.filter(is_primary=True).first()
    if contact is None:
        raise ValidationError("The account has no primary contact to ask.", code="no_contact")
    if contact.account_id != account.pk:
        raise ValidationError("The contact belongs to another account.", code="contact_mismatch")
    return _send_once(
        survey=survey, account=account, contact=contact, cause=cause, cause_key=cause_key
    )


@transaction.atomic
def send_survey(
    *,
    survey: Survey,
    account: Account,
    cause: Cause,
    cause_key: str,
    contact: Contact | None = None,
    template_key: str = DEFAULT_TEMPLATE,
    data: dict | None = None,
) -> SentSurvey:
    """Send `survey` to `contact` (else the primary contact) by e-mail, once per cause.

    The e-mail is an outbox row (opt-outs, caps and quiet hours apply there); the
    same cause again returns the first send and message. ValidationError when
    there is nobody to ask or the survey has no questions.
    """
    send, created = open_send(
        survey=survey, account=account, contact=contact, cause=cause, cause_key=cause_key
    )
    message, _ = queue_customer_message(
        account=account,
        contact=send.contact,
        template_key=template_key,
        cause_key=cause_key,
        cause=cause,
        data={**(data or {}), "survey_name": survey.name, "survey_intro": send.version.intro},
        links=survey_links(send),
    )
    return SentSurvey(send=send, message=message, created=created)
