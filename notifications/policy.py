"""Caps and quiet hours for automated customer messages, applied by the outbox as it sends.

One rule for every playbook at once (the outbox is the one way out), with
the limits a manager sets in the admin (models.OutboxPolicy):

- per contact at most `weekly_cap` automated non-transactional messages in
  any 7 days, e-mail and SMS counted apart, and at most one per playbook a day;
- when the cap is reached a lifecycle message outranks a nudge: lifecycle
  messages of the batch go first, and one still waiting keeps its place
  ahead of the nudges;
- what does not fit is deferred to when the window has room, or suppressed
  once that is past its deadline (days after it was queued);
- quiet hours in the customer's timezone (the account's, else the team's):
  deferred to their end, never dropped; nudges also wait over the weekend.

Transactional messages (payments, appointments, acknowledgements), staff
messages and messages a person sent by hand are exempt. A whole batch is
decided with two queries (the policy and the contacts' recent messages),
whatever its size. The reason is kept on the message (`held_reason`), shown
in the account's "why" and the run's log.
"""

from collections import defaultdict
from dataclasses import dataclass
from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db.models import OuterRef, Q, Subquery

from .models import Channel, Message, MessageStatus, OutboxPolicy, Priority

WEEK = timedelta(days=7)
DAY = timedelta(days=1)
# A nudge that waits for a lifecycle message waits a little longer, so the lifecycle goes first.
AFTER_LIFECYCLE = timedelta(minutes=1)
SATURDAY = 5


@dataclass(frozen=True)
class Hold:
    """The outbox's decision to hold one message: until when, why, or suppress it."""

    reason: str
    until: datetime | None = None  # None: suppressed

    @property
    def suppressed(self) -> bool:
        return self.until is None


def governed(message: Message) -> bool:
    """Whether the caps and quiet hours apply: an automated (a playbook's) customer e-mail
    or SMS that is not transactional."""
    return (
        message.contact_id is not None
        and message.channel in (Channel.EMAIL, Channel.SMS)
        and not message.transactional
        and message.cause_run_id is not None
    )


def holds(messages: list[Message], now: datetime) -> dict[int, Hold]:
    """Which of a claimed batch must wait or not go: message id → its hold.

    The messages need their account loaded (for its timezone). Those not held
    are counted against the caps as sent, in the order they are decided.
    """
    if not settings.NOTIFY_POLICY:
        return {}
    candidates = [message for message in messages if governed(message)]
    if not candidates:
        return {}
    policy = OutboxPolicy.current()
    history = _History.of(candidates, now)
    decided: dict[int, Hold] = {}
    # Lifecycle first, then as leased (oldest due first).
    ordered = sorted(candidates, key=lambda m: m.priority != Priority.LIFECYCLE)
    for message in ordered:
        nudge = message.priority != Priority.LIFECYCLE
        zone = _zone(message)
        allowed = next_allowed(now, zone, policy, nudge=nudge)
        if allowed > now:
            decided[message.pk] = Hold(
                f"{_quiet_text(policy, zone, nudge, now)}: deferred to {_local(allowed, zone)}.",
                allowed,
            )
            continue
        room = history.room(message, policy, now, nudge=nudge)
        if room is None:
            history.count(message, now)
            continue
        until, why = room
        deadline = message.created_at + timedelta(
            days=policy.nudge_deadline_days if nudge else policy.lifecycle_deadline_days
        )
        if until > deadline:
            decided[message.pk] = Hold(
                f"{why}, and no room before its deadline ({_local(deadline, zone)}): suppressed."
            )
            continue
        until = next_allowed(until, zone, policy, nudge=nudge)
        decided[message.pk] = Hold(f"{why}: deferred to {_local(until, zone)}.", until)
    return decided


class _History:
    """The contacts' automated messages that count against the caps, read in one query."""

    def __init__(self) -> None:
        # (contact, channel) → sent (or being sent) times in the last 7 days
        self.week: dict[tuple[int, str], list[datetime]] = defaultdict(list)
        # (contact, channel) → lifecycle messages still waiting (they keep their place)
        self.waiting: dict[tuple[int, str], int] = defaultdict(int)
        # (contact, workflow) → the last one sent in the last day
        self.today: dict[tuple[int, int], datetime] = {}

    @classmethod
    def of(cls, messages: list[Message], now: datetime) -> "_History":
        history = cls()
        rows = (
            with_workflow(Message.objects.all())
            .filter(
                contact_id__in={m.contact_id for m in messages},
                channel__in=[Channel.EMAIL, Channel.SMS],
                transactional=False,
                cause_run_id__isnull=False,
            )
            .filter(
                Q(status=MessageStatus.SENT, sent_at__gte=now - WEEK)
                | Q(status=MessageStatus.SENDING)
                | Q(status=MessageStatus.QUEUED, priority=Priority.LIFECYCLE)
            )
            .exclude(pk__in=[m.pk for m in messages])
            .values_list(
                "contact_id", "channel", "status", "sent_at", "claimed_at", "policy_workflow_id"
            )
        )
        for contact_id, channel, status, sent_at, claimed_at, workflow_id in rows:
            if status == MessageStatus.QUEUED:
                history.waiting[(contact_id, channel)] += 1
                continue
            history._add(contact_id, channel, workflow_id, sent_at or claimed_at or now)
        return history

    def _add(self, contact_id: int, channel: str, workflow_id: int | None, at: datetime) -> None:
        self.week[(contact_id, channel)].append(at)
        if workflow_id is not None:
            last = self.today.get((contact_id, workflow_id))
            self.today[(contact_id, workflow_id)] = max(last, at) if last else at

    def count(self, message: Message, now: datetime) -> None:
        """`message` goes now: it counts for the messages decided after it."""
        self._add(message.contact_id, message.channel, _workflow_id(message), now)

    def room(
        self, message: Message, policy: OutboxPolicy, now: datetime, *, nudge: bool
    ) -> tuple[datetime, str] | None:
        """None if `message` fits now, else (when it may fit, why it does not now)."""
        workflow_id = _workflow_id(message)
        last = self.today.get((message.contact_id, workflow_id)) if workflow_id else None
        if last is not None and last > now - DAY:
            return last + DAY, "This playbook already sent this contact a message today"
        key = (message.contact_id, message.channel)
        sent = sorted(at for at in self.week[key] if at > now - WEEK)
        ahead = self.waiting[key] if nudge else 0
        used = len(sent) + ahead
        if used < policy.weekly_cap:
            return None
        channel = Channel(message.channel).label
        why = f"{policy.weekly_cap} {channel} messages in 7 days reached"
        if ahead and len(sent) < policy.weekly_cap:
            why += " with the lifecycle messages waiting (they go first)"
        # The slot this one may take frees when enough of the sent ones leave the window.
        index = used - policy.weekly_cap
        # (A cap full of waiting lifecycle messages frees no slot by itself: look tomorrow.)
        until = sent[index] + WEEK if index < len(sent) else now + DAY
        return (until + AFTER_LIFECYCLE if nudge else until), why


def next_allowed(at: datetime, zone: ZoneInfo, policy: OutboxPolicy, *, nudge: bool) -> datetime:
    """The first moment from `at` outside quiet hours (and, for a nudge with weekends off,
    not on a Saturday or Sunday) in `zone`."""
    local = at.astimezone(zone)
    for _ in range(10):  # a quiet night, a weekend, another night: never more
        if nudge and not policy.nudges_on_weekends and local.weekday() >= SATURDAY:
            monday = local.date() + timedelta(days=7 - local.weekday())
            local = datetime.combine(monday, policy.quiet_end, tzinfo=zone)
            continue
        if _quiet(local.time(), policy):
            day = local.date()
            if policy.quiet_start > policy.quiet_end and local.time() >= policy.quiet_start:
                day += timedelta(days=1)  # the evening: quiet until tomorrow morning
            local = datetime.combine(day, policy.quiet_end, tzinfo=zone)
            continue
        break
    return local.astimezone(at.tzinfo)


def _quiet(moment: time, policy: OutboxPolicy) -> bool:
    start, end = policy.quiet_start, policy.quiet_end
    if start == end:
        return False
    if start < end:
        return start <= moment < end
    return moment >= start or moment < end


def _quiet_text(policy: OutboxPolicy, zone: ZoneInfo, nudge: bool, now: datetime) -> str:
    local = now.astimezone(zone)
    if nudge and not policy.nudges_on_weekends and local.weekday() >= SATURDAY:
        return f"No nudges at the weekend ({zone.key})"
    return f"Quiet hours {policy.quiet_start:%H:%M}–{policy.quiet_end:%H:%M} in {zone.key}"


def _zone(message: Message) -> ZoneInfo:
    name = (message.account.timezone if message.account_id else "") or settings.TIME_ZONE
    return ZoneInfo(name)


def _local(moment: datetime, zone: ZoneInfo) -> str:
    return f"{moment.astimezone(zone):%a %d %b %H:%M} {zone.key}"


def with_workflow(queryset):
    """`queryset` of messages with `policy_workflow_id`: the playbook of the run that queued
    each (a subquery, so loading a batch stays one query).

    The run is read as data through the app registry: the engine imports the outbox,
    so the outbox must not import the engine (tests/test_layers.py).
    """
    from django.apps import apps

    Run = apps.get_model("workflows", "Run")
    return queryset.annotate(
        policy_workflow_id=Subquery(
            Run.objects.filter(pk=OuterRef("cause_run_id")).values("workflow_id")[:1]
        )
    )


def _workflow_id(message: Message) -> int | None:
    return getattr(message, "policy_workflow_id", None)
