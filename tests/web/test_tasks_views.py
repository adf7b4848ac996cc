"""The task pages: my tasks and the team's, a new task, done, reassign / due date."""

from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from accounts.roles import CSM
from activity.models import StatusChange, Task, TaskPriority, TaskSource, TaskStatus
from activity.services.tasks import create_task, resolve_task
from core.causes import Cause, CauseKind
from tests.factories import AccountFactory, ContactFactory, UserFactory
from tests.web.html import find_testids, text_of

pytestmark = pytest.mark.django_db

NOW = datetime(2025, 10, 6, 11, 0, tzinfo=UTC)


@pytest.fixture(autouse=True)
def frozen_clock():
    with time_machine.travel(NOW, tick=False):
        yield


def open_task(account, title="Call back", **fields):
    """A task opened the way staff open one (through the service)."""
    task, _ = create_task(
        account=account,
        title=title,
        source=fields.pop("source", TaskSource.STAFF),
        cause=Cause.by_system("test setup"),
        **fields,
    )
    return task


def task_list(client, headers=None, **query):
    return client.get(reverse("tasks:list"), query, headers=headers)


# --- who may see and act ------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "args", "method"),
    [
        ("tasks:list", [], "get"),
        ("tasks:new", [], "get"),
        ("tasks:new", [], "post"),
        ("tasks:account-options", [], "get"),
        ("tasks:done", [1], "post"),
        ("tasks:update", [1], "post"),
    ],
)
def test_every_task_page_needs_a_login(client, name, args, method):
    response = getattr(client, method)(reverse(name, args=args))

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


def test_a_user_without_task_permissions_may_not_create_complete_or_change_tasks(
    client, affiliate_manager, account
):
    task = open_task(account)
    client.force_login(affiliate_manager)

    assert client.get(reverse("tasks:new")).status_code == 403
    assert client.post(reverse("tasks:new"), {"title": "x"}).status_code == 403
    assert client.post(reverse("tasks:done", args=[task.pk])).status_code == 403
    updated = client.post(
        reverse("tasks:update", args=[task.pk]), {"assignee": affiliate_manager.pk}
    )
    assert updated.status_code == 403
    task.refresh_from_db()
    assert (task.status, task.assignee_id) == (TaskStatus.OPEN, account.owner_id)
    assert not StatusChange.objects.filter(task=task).exists()
    page = task_list(client, tab="team")
    assert find_testids(page, f"task-done-{task.pk}") == []
    assert find_testids(page, "new-task") == []


# --- the lists ----------------------------------------------------------------------------


def test_my_tasks_lists_my_open_tasks_due_first_with_overdue_highlighted(
    client, csm, manager, account
):
    later = open_task(account, "Later", due_at=NOW + timedelta(days=3))
    undated = open_task(account, "Someday")
    overdue = open_task(account, "Overdue", due_at=NOW - timedelta(hours=2))
    soon = open_task(account, "Soon", due_at=NOW + timedelta(hours=1))
    done = open_task(account, "Done already")
    resolve_task(task=done, cause=Cause.by_user(csm))
    theirs = open_task(account, "Theirs", assignee=manager)
    client.force_login(csm)

    page = task_list(client)

    assert page.status_code == 200
    assert find_testids(page, "task-row-") == [
        f"task-row-{t.pk}" for t in (overdue, soon, later, undated)
    ]
    assert f"task-row-{theirs.pk}" not in find_testids(page, "task-row-")
    assert text_of(page, f"overdue-{overdue.pk}") == "overdue"
    assert text_of(page, f"overdue-{soon.pk}") is None
    assert 'class="table-danger"' in page.content.decode()
    assert text_of(page, "result-count") == "4 open tasks"


def test_customer_requests_are_marked(client, csm, account):
    contact = ContactFactory(account=account, name="Jordan Rivera")
    request = open_task(account, "Export our data", source=TaskSource.CUSTOMER, contact=contact)
    staff = open_task(account, "Quarterly review")
    client.force_login(csm)

    page = task_list(client)

    assert text_of(page, f"customer-request-{request.pk}") == "Customer request"
    assert "from Jordan Rivera" in text_of(page, f"task-row-{request.pk}")
    assert text_of(page, f"customer-request-{staff.pk}") is None


def test_the_team_tab_lists_every_open_task_and_filters_by_assignee(client, csm, manager, account):
    mine = open_task(account, "Mine")
    theirs = open_task(account, "Theirs", assignee=manager)
    client.force_login(csm)

    everyone = task_list(client, tab="team")
    only_theirs = task_list(client, tab="team", assignee=manager.pk)

    assert set(find_testids(everyone, "task-row-")) == {
        f"task-row-{mine.pk}",
        f"task-row-{theirs.pk}",
    }
    assert find_testids(only_theirs, "task-row-") == [f"task-row-{theirs.pk}"]


def test_an_htmx_filter_change_renders_only_the_table(client, csm, account):
    open_task(account)
    client.force_login(csm)

    response = task_list(client, headers={"HX-Request": "true"}, tab="team")

    body = response.content.decode()
    assert "<html" not in body
    assert 'data-testid="task-table"' in body


# --- a new task ---------------------------------------------------------------------------


def new_task(client, **fields):
    data = {"account": "", "title": "Prepare the QBR", "details": "", "priority": "normal"}
    return client.post(reverse("tasks:new"), {**data, **fields})


def test_the_new_task_form_renders_with_standard_field_names(client, csm):
    client.force_login(csm)

    page = client.get(reverse("tasks:new"), {"account": "acct_42"})

    assert page.status_code == 200
    body = page.content.decode()
    for name in ("account", "title", "details", "priority", "due_at", "assignee"):
        assert f'name="{name}"' in body
    assert 'value="acct_42"' in body


def test_a_staff_member_opens_a_task_by_external_id_due_in_the_teams_timezone(
    client, csm, manager, settings
):
    settings.TIME_ZONE = "Europe/Berlin"
    account = AccountFactory(external_id="acct_777", owner=csm)
    client.force_login(csm)

    response = new_task(
        client,
        account="acct_777",
        details="Slides and usage numbers",
        priority="high",
        due_at="2025-10-09T09:30",
        assignee=manager.pk,
    )

    task = Task.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("tasks:list") + "?tab=team"
    assert (task.account, task.title, task.details) == (
        account,
        "Prepare the QBR",
        "Slides and usage numbers",
    )
    assert task.priority == TaskPriority.HIGH
    assert task.source == TaskSource.STAFF
    assert task.assignee == manager
    assert task.due_at == datetime(2025, 10, 9, 7, 30, tzinfo=UTC)  # 09:30 in Berlin (CEST)
    assert (task.cause_kind, task.cause_user) == (CauseKind.USER, csm)
    assert f"task-row-{task.pk}" in find_testids(task_list(client, tab="team"), "task-row-")


def test_a_task_found_by_name_without_assignee_goes_to_the_accounts_owner(client, csm, manager):
    account = AccountFactory(name="Acme Rockets", owner=csm)
    client.force_login(manager)

    response = new_task(client, account="acme rockets")

    assert response.status_code == 302
    task = Task.objects.get()
    assert (task.account, task.assignee) == (account, csm)


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"account": "acct_nope"}, "No account has the external id or the name “acct_nope”."),
        ({"account": "Twin Co"}, "Several accounts are named “Twin Co”; type the external id"),
        ({"account": "acct_1", "title": ""}, "This field is required."),
        ({"account": "acct_1", "priority": "urgent"}, "Select a valid choice."),
        ({"account": "acct_1", "due_at": "2025-10-01T09:00"}, "The due time is in the past."),
        ({"account": "acct_1", "due_at": "next week"}, "Enter a valid date/time."),
    ],
)
def test_bad_task_input_is_refused_with_a_message_and_nothing_is_written(
    client, csm, fields, message
):
    AccountFactory(external_id="acct_1")
    AccountFactory.create_batch(2, name="Twin Co")
    client.force_login(csm)

    response = new_task(client, **fields)

    assert response.status_code == 200
    assert message in response.content.decode()
    assert not Task.objects.exists()


def test_account_suggestions_match_external_id_or_name(client, csm):
    AccountFactory(name="Acme Rockets", external_id="acct_100")
    AccountFactory(name="Globex", external_id="acct_200")
    client.force_login(csm)

    by_name = client.get(reverse("tasks:account-options"), {"account": "acme"})
    by_id = client.get(reverse("tasks:account-options"), {"account": "acct_2"})

    assert by_name.content.decode().strip() == '<option value="acct_100">Acme Rockets</option>'
    assert by_id.content.decode().strip() == '<option value="acct_200">Globex</option>'


# --- done, reassign, due date -------------------------------------------------------------


def test_done_resolves_the_task_and_htmx_swaps_its_row(client, csm, account):
    task = open_task(account)
    client.force_login(csm)

    response = client.post(reverse("tasks:done", args=[task.pk]), HTTP_HX_REQUEST="true")

    assert response.status_code == 200
    assert text_of(response, f"task-status-{task.pk}") == "Done"
    assert find_testids(response, f"task-done-{task.pk}") == []
    task.refresh_from_db()
    assert (task.status, task.resolved_at) == (TaskStatus.DONE, NOW)
    change = StatusChange.objects.get(task=task)
    assert (change.from_status, change.to_status) == (TaskStatus.OPEN, TaskStatus.DONE)
    assert (change.cause_kind, change.cause_user) == (CauseKind.USER, csm)
    assert f"task-row-{task.pk}" not in find_testids(task_list(client), "task-row-")


def test_done_without_htmx_redirects_and_a_second_time_changes_nothing(client, csm, account):
    task = open_task(account)
    client.force_login(csm)

    first = client.post(reverse("tasks:done", args=[task.pk]))
    second = client.post(reverse("tasks:done", args=[task.pk]), follow=True)

    assert first.status_code == 302
    assert "was already closed" in second.content.decode()
    assert StatusChange.objects.filter(task=task).count() == 1


def test_a_task_is_reassigned_and_its_due_time_moved(client, csm, manager, account):
    task = open_task(account, due_at=NOW + timedelta(days=1))
    client.force_login(csm)

    response = client.post(
        reverse("tasks:update", args=[task.pk]),
        {"assignee": manager.pk, "due_at": "2025-10-10T15:00"},
        HTTP_HX_REQUEST="true",
    )

    assert response.status_code == 200
    assert manager.get_full_name() in text_of(response, f"task-row-{task.pk}")
    task.refresh_from_db()
    assert task.assignee == manager
    assert task.due_at == datetime(2025, 10, 10, 15, 0, tzinfo=UTC)
    change = StatusChange.objects.get(task=task)
    assert set(change.data) == {"assignee", "due_at"}
    assert change.cause_user == csm


def test_resending_the_shown_due_minute_is_no_change(client, csm, manager, account):
    task = open_task(account, due_at=NOW + timedelta(days=1, seconds=42))
    client.force_login(csm)

    client.post(
        reverse("tasks:update", args=[task.pk]),
        {"assignee": manager.pk, "due_at": "2025-10-07T11:00"},
        HTTP_HX_REQUEST="true",
    )

    change = StatusChange.objects.get(task=task)
    assert list(change.data) == ["assignee"]


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"assignee": "", "due_at": ""}, "This field is required."),
        ({"assignee": "999999", "due_at": ""}, "Select a valid choice."),
        ({"assignee": "ME", "due_at": "2025-10-01T08:00"}, "The new due time is in the past."),
    ],
)
def test_a_bad_change_is_refused_in_the_row_and_nothing_is_written(
    client, csm, account, fields, message
):
    task = open_task(account, due_at=NOW + timedelta(days=1))
    fields = {k: str(csm.pk) if v == "ME" else v for k, v in fields.items()}
    client.force_login(csm)

    response = client.post(reverse("tasks:update", args=[task.pk]), fields, HTTP_HX_REQUEST="true")

    assert message in text_of(response, f"task-error-{task.pk}")
    assert not StatusChange.objects.filter(task=task).exists()
    task.refresh_from_db()
    assert task.due_at == NOW + timedelta(days=1)


def test_an_unknown_task_is_not_found(client, csm):
    client.force_login(csm)

    assert client.post(reverse("tasks:done", args=[999999])).status_code == 404


# --- query counts -------------------------------------------------------------------------


def add_tasks(count, assignee):
    """`count` open tasks on as many accounts, half of them customer requests (bulk)."""
    accounts = AccountFactory.create_batch(count, owner=assignee)
    Task.objects.bulk_create(
        Task(
            account=a,
            title=f"Task {i}",
            assignee=assignee,
            source=TaskSource.CUSTOMER if i % 2 else TaskSource.STAFF,
            due_at=NOW + timedelta(hours=i - count // 2),
            created_at=NOW,
            cause_kind=CauseKind.SYSTEM,
        )
        for i, a in enumerate(accounts)
    )


def test_task_lists_query_counts_do_not_grow_with_the_tasks(client, csm, manager):
    UserFactory(username="cora", roles=[CSM])
    urls = {
        "mine": reverse("tasks:list"),
        "team": reverse("tasks:list") + "?tab=team",
        "team filtered": reverse("tasks:list") + f"?tab=team&assignee={csm.pk}",
    }
    client.force_login(csm)
    for url in urls.values():
        client.get(url)  # warm per-process caches

    counts = {}
    for size in (10, 490):  # 10 tasks, then 500
        add_tasks(size, csm)
        counts[size] = {}
        for name, url in urls.items():
            with CaptureQueriesContext(connection) as queries:
                assert client.get(url).status_code == 200
            counts[size][name] = len(queries)

    assert Task.objects.count() == 500
    assert counts[10] == counts[490]
    print(counts)  # shown with -s, when a count changes
    assert max(counts[490].values()) <= 25, counts
