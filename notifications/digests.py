"""Alert digests: alerts of one kind to one person within a window, sent as one.

Each staff member chooses per kind of alert (a staff template): at once, an
hourly digest, a daily digest at 08:00 in their timezone (else the team's),
or off; without a choice the template's default applies. Escalations always
arrive at once. A held alert is a DigestItem; the digest sweep (a schedule,
every few minutes) turns every ended window into one Digest and its in-app
alert and e-mail, set-based and exactly once (the digest is unique per user,
kind and window, its messages per digest).
"""

from collections import defaultdict
from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db import transaction
from django.db.models import OuterRef, Subquery
from django.urls import reverse

from core import clock
from core.queue import wake_on_commit

from .delivery import OUTBOX_TASK
from .models import (
    ALWAYS,
    AlertDelivery,
    AlertPreference,
    Channel,
    Digest,
    DigestItem,
    Message,
    MessageStatus,
    MessageTemplate,
)
from .slack import user_recipient, users_with_slack
from .templating import absolute_url

DAILY_AT = time(8, 0)
DIGEST_SCHEDULE = {
    "name": "Alerts: send due digests",
    "func": "notifications.tasks.send_due_digests",
    "minutes": 5,
}
SYSTEM_CAUSE = {"cause_kind": "system", "cause_reason": "Alert digest"}


def deliveries(*, template: MessageTemplate, user_ids: list[int], escalation: bool) -> dict:
    """How each user receives this kind now: {user id: AlertDelivery value} (one query)."""
    if escalation or template.staff_delivery == ALWAYS:
        return dict.fromkeys(user_ids, AlertDelivery.IMMEDIATE)
    chosen = dict(
        AlertPreference.objects.filter(user_id__in=user_ids, kind=template.key).values_list(
            "user_id", "delivery"
        )
    )
    return {pk: chosen.get(pk, template.staff_delivery) for pk in user_ids}


def user_timezone(user) -> ZoneInfo:
    """The user's own timezone (their staff profile), else the team's."""
    profile = getattr(user, "staff_profile", None)  # none yet: the team's
    name = profile.timezone if profile is not None else ""
    return ZoneInfo(name or settings.TIME_ZONE)


def window_end(delivery: str, *, user, now: datetime) -> datetime:
    """When the digest that an alert arriving `now` belongs to is sent."""
    if delivery == AlertDelivery.HOURLY:
        return now.replace(minute=0, second=0, microsecond=0) + timedelta(hours=1)
    zone = user_timezone(user)
    local = now.astimezone(zone)
    due = datetime.combine(local.date(), DAILY_AT, tzinfo=zone)
    if due <= local:
        due = datetime.combine(local.date() + timedelta(days=1), DAILY_AT, tzinfo=zone)
    return due.astimezone(ZoneInfo("UTC"))


def held_item(
    *,
    user,
    delivery: str,
    kind: str,
    cause_key: str,
    cause,
    account,
    rendered,
    link: str,
    email: bool,
) -> DigestItem:
    """An alert as rendered now, to wait for the end of its window (not saved yet)."""
    now = clock.now()
    return DigestItem(
        user=user,
        kind=kind,
        due_at=window_end(delivery, user=user, now=now),
        cause_key=cause_key,
        account=account,
        title=rendered.subject,
        body=rendered.body_text,
        link=link,
        email=email,
        created_at=now,
        **cause.as_fields(),
    )


def hold_for_digest(items: list[DigestItem]) -> int:
    """Keep alerts for their digests; a cause already held for a user is not held twice."""
    if not items:
        return 0
    before = _held(items)
    DigestItem.objects.bulk_create(items, ignore_conflicts=True)
    return _held(items) - before


def _held(items: list[DigestItem]) -> int:
    return DigestItem.objects.filter(
        cause_key=items[0].cause_key, kind=items[0].kind, user_id__in=[i.user_id for i in items]
    ).count()


def send_due_digests() -> int:
    """Send every digest whose window has ended; returns how many were sent.

    Queries do not grow with the number of digests or items: the windows are
    created in one insert, the items joined to them in one UPDATE, the messages
    written in one insert.
    """
    now = clock.now()
    with transaction.atomic():
        waiting = DigestItem.objects.filter(digest=None, due_at__lte=now)
        windows = list(waiting.values_list("user_id", "kind", "due_at").distinct())
        if not windows:
            return 0
        Digest.objects.bulk_create(
            [Digest(user_id=u, kind=k, due_at=d, created_at=now) for u, k, d in windows],
            ignore_conflicts=True,
        )
        unsent = Digest.objects.filter(
            user=OuterRef("user"), kind=OuterRef("kind"), due_at=OuterRef("due_at"), sent_at=None
        )
        waiting.update(digest=Subquery(unsent.values("pk")[:1]))
        # An alert whose window was already sent (its transaction committed late) goes
        # out in a digest of its own on the next sweep rather than never.
        waiting.filter(digest=None).update(due_at=now)
        digests = list(Digest.objects.filter(sent_at=None, due_at__lte=now).select_related("user"))
        _queue_messages(digests)
        Digest.objects.filter(pk__in=[d.pk for d in digests]).update(sent_at=now)
        wake_on_commit(OUTBOX_TASK)
    return len(digests)


def _queue_messages(digests: list[Digest]) -> None:
    """One in-app alert per digest, and one e-mail where any of its alerts asked for one."""
    items = defaultdict(list)
    for item in DigestItem.objects.filter(digest__in=digests).order_by("created_at", "pk"):
        items[item.digest_id].append(item)
    names = dict(
        MessageTemplate.objects.filter(key__in={d.kind for d in digests}).values_list("key", "name")
    )
    now = clock.now()
    on_slack = users_with_slack(list({digest.user_id for digest in digests}))
    messages = []
    for digest in digests:
        held = items[digest.pk]
        if not held:
            continue
        subject = _subject(names.get(digest.kind, digest.kind), len(held))
        common = {
            "cause_key": f"digest:{digest.pk}",
            "user": digest.user,
            "subject": subject,
            "transactional": True,
            "account_id": held[0].account_id if _one_account(held) else None,
            "link": held[0].link if _one_account(held) else absolute_url(reverse("inbox:list")),
            "created_at": now,
            "next_attempt_at": now,
            "status": MessageStatus.QUEUED,
            **SYSTEM_CAUSE,
        }
        in_app = "\n".join(item.title for item in held)
        messages.append(
            Message(
                channel=Channel.IN_APP,
                recipient=f"user:{digest.user_id}",
                body_text=in_app,
                **common,
            )
        )
        if digest.user_id in on_slack:
            messages.append(
                Message(
                    channel=Channel.SLACK,
                    recipient=user_recipient(digest.user_id),
                    body_text="\n".join(f"• {item.title}" for item in held),
                    **common,
                )
            )
        if digest.user.email and any(item.email for item in held):
            lines = [f"- {item.title}" + (f"\n  {item.link}" if item.link else "") for item in held]
            messages.append(
                Message(
                    channel=Channel.EMAIL,
                    recipient=digest.user.email,
                    body_text="\n".join(lines) + "\n",
                    **common,
                )
            )
    Message.objects.bulk_create(messages, ignore_conflicts=True)


def _one_account(items: list[DigestItem]) -> bool:
    return len({item.account_id for item in items}) == 1


def _subject(kind_name: str, count: int) -> str:
    """ "Feature not used: 150 alerts" (the template's name without "(alert)")."""
    name = kind_name.removesuffix(" (alert)").strip()
    return f"{name}: {count} alert{'s' if count != 1 else ''}"[:200]
