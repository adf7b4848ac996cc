"""Who may run each admin action: the same roles as the staff pages, and a refusal changes nothing.

The matrix lists every action of every registered admin (a new action without a row fails
`test_every_admin_action_is_in_the_matrix`), each with a setup that leaves something for the
action to change and a probe that reads whether it changed.
"""

from dataclasses import dataclass, field
from datetime import timedelta

import pytest
from axes.models import AccessAttempt
from django.conf import settings
from django.contrib import admin
from django.test import RequestFactory
from django.urls import reverse
from django_q.models import Failure, Success
from django_q.models import Task as QueuedTask

from accounts.models import Account, HealthStatusChange
from accounts.roles import ADMIN, AFFILIATE_MANAGER, CSM, MANAGER
from accounts.services import add_tag, change_health_status
from activity.models import Appointment, Task
from activity.services.appointments import book_appointment
from activity.services.tasks import create_task
from api.models import ApiToken
from api.tokens import create_token
from core import clock
from core.causes import Cause, CauseKind
from notifications.models import Message, MessageStatus
from pipelines.models import Card, Stage
from pipelines.services import move_card
from tests.factories import AccountFactory, ContactFactory, UserFactory
from workflows.models import Run, RunStatus, TriggerEvent, Workflow

pytestmark = pytest.mark.django_db

PLAIN_STAFF = "plain staff"
ROLES = [ADMIN, MANAGER, CSM, AFFILIATE_MANAGER, PLAIN_STAFF]
WORKERS = {ADMIN, MANAGER, CSM}  # who works accounts on the staff pages
MANAGERS = {ADMIN, MANAGER}  # health by hand, score, runs, messages (SPEC §1)


def _account() -> Account:
    return AccountFactory()


def _tagged() -> Account:
    account = AccountFactory()
    add_tag(account=account, tag="VIP", cause=Cause.by_system())
    return account


def _on_the_health_board() -> Account:
    account = AccountFactory()
    change_health_status(account=account, status="healthy", cause=Cause.by_system())
    healthy = Stage.objects.get(pipeline__key="health", name="Healthy")
    move_card(account=account, pipeline=healthy.pipeline, stage=healthy, cause=Cause.by_system())
    return account


def _appointment(starts_in: timedelta = timedelta(days=1)) -> Appointment:
    appointment, _ = book_appointment(
        account=AccountFactory(),
        kind="success_session",
        starts_at=clock.now() + starts_in,
        cause=Cause.by_system(),
    )
    return appointment


def _started_appointment() -> Appointment:
    """How an appointment went is recorded only once it has started."""
    return _appointment(starts_in=-timedelta(minutes=5))


def _task() -> Task:
    task, _ = create_task(
        account=AccountFactory(), title="Call back", source="staff", cause=Cause.by_system()
    )
    return task


def _token() -> ApiToken:
    return create_token(name="billing system")[0]


def _failed_run() -> Run:
    workflow = Workflow.objects.filter(current_version__isnull=False).first()
    account = AccountFactory()
    now = clock.now()
    event = TriggerEvent.objects.create(
        kind=workflow.trigger,
        account=account,
        event_key=f"test:{account.pk}",
        created_at=now,
        cause_kind=CauseKind.SYSTEM,
    )
    return Run.objects.create(
        workflow=workflow,
        version=workflow.current_version,
        event=event,
        account=account,
        status=RunStatus.FAILED,
        due_at=now,
        created_at=now,
        finished_at=now,
    )


def _failed_message() -> Message:
    contact = ContactFactory(account=AccountFactory())
    return Message.objects.create(
        channel="email",
        account=contact.account,
        contact=contact,
        recipient=contact.email,
        cause_key=f"test:{contact.pk}",
        subject="Hello",
        body_text="Hello",
        status=MessageStatus.FAILED,
        attempts=3,
        next_attempt_at=clock.now(),
        created_at=clock.now(),
        cause_kind=CauseKind.SYSTEM,
    )


def _finished_task(success: bool) -> QueuedTask:
    """A finished django-q2 task, as the queue's admin lists them."""
    now = clock.now()
    return QueuedTask.objects.create(
        id=f"{success:d}{'0' * 31}",
        name=f"test-{success}",
        func="math.sqrt",
        args=(4,),
        started=now,
        stopped=now,
        success=success,
    )


def _expired_login_attempt() -> AccessAttempt:
    attempt = AccessAttempt.objects.create(
        username="carol", ip_address="198.51.100.1", failures_since_start=1
    )
    old = clock.now() - settings.AXES_COOLOFF_TIME - timedelta(minutes=1)
    AccessAttempt.objects.filter(pk=attempt.pk).update(attempt_time=old)
    return attempt


def _stage(pipeline: str, name: str) -> dict:
    return {"stage": Stage.objects.get(pipeline__key=pipeline, name=name).pk}


@dataclass
class Case:
    """One admin action: what it acts on, what it is sent, how to see it changed, who may."""

    model: type
    action: str
    setup: object
    changed: object  # obj -> bool, read fresh from the database
    allowed: set[str]
    data: object = field(default=dict)  # () -> extra POST fields
    variant: str = ""  # what tells two cases of one action apart

    def __str__(self) -> str:
        return f"{self.model._meta.label}.{self.action}"


CASES = [
    Case(
        Account,
        "add_tag",
        _account,
        lambda a: a.tags.filter(name="VIP").exists(),
        WORKERS,
        lambda: {"tag": "VIP"},
    ),
    Case(
        Account,
        "remove_tag",
        _tagged,
        lambda a: not a.tags.filter(name="VIP").exists(),
        WORKERS,
        lambda: {"tag": "VIP"},
    ),
    Case(
        Account,
        "set_health_status",
        _account,
        lambda a: Account.objects.get(pk=a.pk).health_status == "struggling",
        MANAGERS,
        lambda: {"health_status": "struggling"},
    ),
    Case(
        Account,
        "move_to_stage",
        _account,
        lambda a: Card.objects.filter(account=a, stage__name="Inactive").exists(),
        WORKERS,
        lambda: _stage("login_activity", "Inactive"),
    ),
    # A column of the health board is the health status, which only managers set by hand.
    Case(
        Account,
        "move_to_stage",
        _on_the_health_board,
        lambda a: (
            Account.objects.get(pk=a.pk).health_status != "healthy"
            or Card.objects.get(account=a, pipeline__key="health").stage.name != "Healthy"
        ),
        MANAGERS,
        lambda: _stage("health", "Struggling"),
        "health-board",
    ),
    Case(
        Account,
        "adjust_score",
        _account,
        lambda a: Account.objects.get(pk=a.pk).score == 10,
        MANAGERS,
        lambda: {"points": "10"},
    ),
    Case(
        Appointment,
        "mark_attended",
        _started_appointment,
        lambda a: Appointment.objects.get(pk=a.pk).status == "attended",
        WORKERS,
    ),
    Case(
        Appointment,
        "mark_no_show",
        _started_appointment,
        lambda a: Appointment.objects.get(pk=a.pk).status == "no_show",
        WORKERS,
    ),
    Case(
        Appointment,
        "cancel",
        _appointment,
        lambda a: Appointment.objects.get(pk=a.pk).status == "cancelled",
        WORKERS,
    ),
    Case(
        Task,
        "resolve",
        _task,
        lambda t: Task.objects.get(pk=t.pk).status != "open",
        WORKERS,
    ),
    Case(
        ApiToken,
        "revoke",
        _token,
        lambda t: ApiToken.objects.get(pk=t.pk).revoked_at is not None,
        {ADMIN},
    ),
    Case(
        Run,
        "retry",
        _failed_run,
        lambda r: Run.objects.get(pk=r.pk).status != RunStatus.FAILED,
        MANAGERS,
    ),
    Case(
        Message,
        "retry_failed",
        _failed_message,
        lambda m: Message.objects.get(pk=m.pk).status != MessageStatus.FAILED,
        MANAGERS,
    ),
    # django-axes: login records and lockouts are the Admin role's.
    Case(
        AccessAttempt,
        "cleanup_expired_attempts",
        _expired_login_attempt,
        lambda a: not AccessAttempt.objects.filter(pk=a.pk).exists(),
        {ADMIN},
    ),
    # django-q2's own admin: the task queue is the Admin role's alone.
    Case(
        Failure,
        "resubmit_task",
        lambda: _finished_task(success=False),
        lambda t: not QueuedTask.objects.filter(pk=t.pk).exists(),
        {ADMIN},
    ),
    Case(
        Success,
        "resubmit_task",
        lambda: _finished_task(success=True),
        lambda t: QueuedTask.objects.exclude(pk=t.pk).exists(),
        {ADMIN},
    ),
]


def _user(role: str):
    return UserFactory(username=role.replace(" ", "-"), roles=[] if role == PLAIN_STAFF else [role])


def _run_action(client, case: Case, obj):
    opts = case.model._meta
    return client.post(
        reverse(f"admin:{opts.app_label}_{opts.model_name}_changelist"),
        {"action": case.action, "_selected_action": [obj.pk], **case.data()},
    )


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("case", CASES, ids=lambda c: "-".join(filter(None, [str(c), c.variant])))
def test_each_admin_action_runs_only_for_the_roles_the_staff_pages_allow(client, case, role):
    obj = case.setup()
    client.force_login(_user(role))

    response = _run_action(client, case, obj)

    assert response.status_code in (200, 302, 403)
    if role in case.allowed:
        assert case.changed(obj), f"{role} could not run {case}"
    else:
        assert not case.changed(obj), f"{role} ran {case}"


def _offered_actions(user) -> set[str]:
    request = RequestFactory().get("/")
    request.user = user
    return {
        f"{model._meta.label}.{name}"
        for model, model_admin in admin.site._registry.items()
        if model_admin.has_view_or_change_permission(request)
        for name in model_admin.get_actions(request)
    }


def test_every_admin_action_is_in_the_matrix():
    every = _offered_actions(UserFactory(username="root", is_superuser=True))
    custom = {name for name in every if not name.endswith(".delete_selected")}
    assert custom == {str(case) for case in CASES}


# Deleting bypasses every service, so it stays with the Admin role (everything)
# and the one deletion a manager is given in accounts.roles.
# Managers keep the team's saved chat replies tidy (conversations); contacts leave.
DELETERS = {"accounts.Contact": {ADMIN, MANAGER}, "conversations.SavedReply": {ADMIN, MANAGER}}


@pytest.mark.parametrize("role", ROLES)
def test_only_admins_are_offered_bulk_deletion_but_managers_may_delete_contacts_and_replies(
    role,
):
    offered = {
        name.removesuffix(".delete_selected")
        for name in _offered_actions(_user(role))
        if name.endswith(".delete_selected")
    }
    every = {
        name.removesuffix(".delete_selected")
        for name in _offered_actions(UserFactory(username="root", is_superuser=True))
        if name.endswith(".delete_selected")
    }
    assert offered == {m for m in every if role in DELETERS.get(m, {ADMIN})}


def test_a_csm_cannot_delete_a_contact_through_the_admin(client, csm):
    contact = ContactFactory(account=AccountFactory())
    client.force_login(csm)
    client.post(
        reverse("admin:accounts_contact_changelist"),
        {"action": "delete_selected", "_selected_action": [contact.pk], "post": "yes"},
    )
    assert contact.__class__.objects.filter(pk=contact.pk).exists()


def test_a_managers_move_on_the_health_board_changes_health_and_the_card_follows(
    client, manager, deliver
):
    # The setup's own automations ran long before the manager acts (as they would live).
    account = deliver(_on_the_health_board)
    client.force_login(manager)
    case = next(c for c in CASES if c.variant == "health-board")

    response = deliver(lambda: _run_action(client, case, account))

    assert response.status_code == 302
    account.refresh_from_db()
    assert account.health_status == "struggling"
    assert HealthStatusChange.objects.filter(account=account, cause_user=manager).exists()
    card = Card.objects.get(account=account, pipeline__key="health")
    assert card.stage.name == "Struggling"  # moved by playbook b1, as a board drop is


def test_a_csm_moving_a_card_on_the_health_board_is_told_why_and_nothing_changes(client, csm):
    account = _on_the_health_board()
    client.force_login(csm)
    case = next(c for c in CASES if c.variant == "health-board")

    response = _run_action(client, case, account)

    assert "Only managers change the health status." in _messages(client, response)
    assert not case.changed(account)


def _messages(client, response) -> str:
    follow = client.get(response["Location"]) if response.status_code == 302 else response
    return follow.content.decode()
