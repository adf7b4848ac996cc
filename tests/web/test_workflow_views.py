"""The workflow pages: the list and its switches, the editor, the run log, a run and its retry."""

import json
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from accounts.models import Account
from accounts.services import cancel_subscription
from activity.services.payments import record_payment
from core import clock
from core.causes import Cause, CauseKind
from notifications.models import MessageTemplate
from tests.factories import AccountFactory, ContactFactory
from tests.workflows.drafting import publish_reviewed_draft
from workflows.models import Run, RunStatus, Step, TriggerEvent, Workflow

pytestmark = pytest.mark.django_db

HTMX = {"HTTP_HX_REQUEST": "true"}


# --- helpers ------------------------------------------------------------------


@pytest.fixture
def deliver(django_capture_on_commit_callbacks):
    """Call a service, commit, and let the engine and the outbox do what follows."""

    def deliver(change):
        with django_capture_on_commit_callbacks(execute=True):
            return change()

    return deliver


@pytest.fixture
def contact(account):
    return ContactFactory(account=account, email="jordan@acme.example")


def churn(account):
    return cancel_subscription(account=account, cause=Cause.by_api("stripe"))


def failed_payment(account, external_id="ch_1"):
    return record_payment(
        account=account,
        external_id=external_id,
        amount=Decimal("99.00"),
        succeeded=False,
        failure_reason="card_declined",
        cause=Cause.by_api("stripe"),
    )


def formset(prefix: str, rows: list[dict], initial: int) -> dict:
    data = {
        f"{prefix}-TOTAL_FORMS": str(len(rows)),
        f"{prefix}-INITIAL_FORMS": str(initial),
        f"{prefix}-MIN_NUM_FORMS": "0",
        f"{prefix}-MAX_NUM_FORMS": "1000",
    }
    for index, row in enumerate(rows):
        data.update({f"{prefix}-{index}-{name}": value for name, value in row.items()})
    return data


def edit_form(workflow: Workflow, **changes) -> dict:
    """The editor's POST as the page renders it for `workflow`, with `changes` applied.

    `steps` / `conditions` replace the rows: a list of dicts (position, action,
    params as text…), existing rows first (their ids are filled in).
    """
    conditions = changes.pop(
        "conditions",
        [
            {"position": c.position, "subject": c.subject, "operator": c.operator, "value": c.value}
            for c in workflow.conditions.all()
        ],
    )
    steps = changes.pop(
        "steps",
        [
            {"position": s.position, "action": s.action, "params": json.dumps(s.params)}
            for s in workflow.steps.all()
        ],
    )
    existing_conditions = list(workflow.conditions.values_list("pk", flat=True))
    existing_steps = list(workflow.steps.values_list("pk", flat=True))
    for rows, existing in ((conditions, existing_conditions), (steps, existing_steps)):
        for index, row in enumerate(rows):
            row.setdefault("id", existing[index] if index < len(existing) else "")
            row["workflow"] = workflow.pk
    return {
        "name": workflow.name,
        "description": workflow.description,
        "trigger": workflow.trigger,
        **changes,
        **formset("conditions", conditions, len(existing_conditions)),
        **formset("steps", steps, len(existing_steps)),
    }


def bulk_runs(count: int, workflow: Workflow, status: str = RunStatus.SUCCEEDED) -> list[Run]:
    """`count` runs of `workflow`, each for its own account and event (bulk inserts)."""
    now = clock.now()
    accounts = Account.objects.bulk_create(AccountFactory.build_batch(count))
    events = TriggerEvent.objects.bulk_create(
        TriggerEvent(
            kind=workflow.trigger,
            account=account,
            event_key=f"bulk:{account.external_id}",
            created_at=now,
            cause_kind=CauseKind.SYSTEM,
        )
        for account in accounts
    )
    return Run.objects.bulk_create(
        Run(
            workflow=workflow,
            version=workflow.current_version,
            event=event,
            account=event.account,
            status=status,
            due_at=now,
            created_at=now,
        )
        for event in events
    )


def query_count(client, url: str) -> tuple[int, list[str]]:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200
    return len(queries), [q["sql"] for q in queries]


# --- access -------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "args"),
    [
        ("workflows:list", []),
        ("workflows:edit", ["pk"]),
        ("workflows:runs", []),
        ("workflows:trigger_help", []),
        ("workflows:action_hint", []),
    ],
)
def test_every_workflow_page_sends_an_anonymous_visitor_to_the_login(client, name, args):
    workflow = Workflow.objects.first()
    url = reverse(name, args=[workflow.pk if a == "pk" else a for a in args])

    response = client.get(url)

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


@pytest.mark.parametrize("name", ["workflows:switch", "workflows:edit"])
def test_an_anonymous_post_changes_nothing_and_goes_to_the_login(client, name):
    workflow = Workflow.objects.get(key="a1-welcome")

    response = client.post(reverse(name, args=[workflow.pk]), {"name": "Hacked"})

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))
    workflow.refresh_from_db()
    assert (workflow.is_active, workflow.name) == (True, "New account: welcome")


def test_a_csm_sees_the_workflows_but_cannot_switch_one_off(client, csm):
    workflow = Workflow.objects.get(key="a1-welcome")
    client.force_login(csm)

    page = client.get(reverse("workflows:list"))
    response = client.post(reverse("workflows:switch", args=[workflow.pk]), {}, **HTMX)

    assert page.status_code == 200
    assert 'data-testid="switch"' in page.content.decode()
    assert page.context["can_switch"] is False
    assert response.status_code == 403
    workflow.refresh_from_db()
    assert workflow.is_active is True


def test_a_csm_can_read_the_editor_but_not_save_it(client, csm):
    workflow = Workflow.objects.get(key="e2-payment-failed")
    client.force_login(csm)

    page = client.get(reverse("workflows:edit", args=[workflow.pk]))
    response = client.post(
        reverse("workflows:edit", args=[workflow.pk]), edit_form(workflow, name="Hacked")
    )

    assert page.status_code == 200
    content = page.content.decode()
    assert "Read-only" in content
    assert "<fieldset disabled>" in content
    assert "Save and publish" not in content
    assert response.status_code == 403
    workflow.refresh_from_db()
    assert (workflow.name, workflow.current_version.number) == ("Payment failed", 1)


def test_a_csm_cannot_retry_a_run(client, csm, account, contact, deliver):
    MessageTemplate.objects.filter(key="e3-winback").delete()
    deliver(lambda: churn(account))
    run = Run.objects.get(workflow__key="e3-churn", account=account)
    client.force_login(csm)

    response = client.post(reverse("workflows:retry", args=[run.pk]))

    assert response.status_code == 403
    run.refresh_from_db()
    assert run.status == RunStatus.FAILED


# --- the list and its switches -------------------------------------------------


def test_the_list_shows_each_workflows_trigger_version_and_last_30_days_runs(
    client, manager, account, contact, deliver
):
    deliver(lambda: failed_payment(account))
    client.force_login(manager)

    page = client.get(reverse("workflows:list"))

    rows = {w.key: w for w in page.context["workflows"]}
    failed = rows["e2-payment-failed"]
    escalation = rows["e2-third-failure-escalation"]
    assert failed.trigger_kind.name == "Payment failed"
    assert failed.current_version.number == 1
    assert (failed.runs_succeeded, failed.runs_failed, failed.runs_skipped) == (1, 0, 0)
    assert (escalation.runs_succeeded, escalation.runs_skipped) == (0, 1)
    assert "Payment failed" in page.content.decode()


def test_a_manager_switches_a_workflow_off_and_the_next_event_starts_no_run_of_it(
    client, manager, account, contact, deliver
):
    workflow = Workflow.objects.get(key="e3-churn")
    client.force_login(manager)

    response = client.post(reverse("workflows:switch", args=[workflow.pk]), {}, **HTMX)

    assert response.status_code == 200
    assert response.templates[0].name == "workflows/_switch.html"
    assert "Off" in response.content.decode()
    workflow.refresh_from_db()
    assert workflow.is_active is False
    deliver(lambda: churn(account))
    assert not Run.objects.filter(workflow=workflow).exists()


def test_a_manager_switches_a_workflow_back_on_without_htmx(client, manager):
    workflow = Workflow.objects.get(key="e3-churn")
    Workflow.objects.filter(pk=workflow.pk).update(is_active=False)
    client.force_login(manager)

    response = client.post(reverse("workflows:switch", args=[workflow.pk]), {"active": "on"})

    assert response.status_code == 302
    workflow.refresh_from_db()
    assert workflow.is_active is True


def test_the_workflow_list_query_count_does_not_grow_with_runs(client, manager):
    client.force_login(manager)
    workflow = Workflow.objects.get(key="e3-churn")
    bulk_runs(10, workflow)
    small, _ = query_count(client, reverse("workflows:list"))
    bulk_runs(490, workflow, RunStatus.FAILED)

    large, queries = query_count(client, reverse("workflows:list"))

    assert small == large, "\n".join(queries)


# --- the editor ----------------------------------------------------------------


def test_the_editor_shows_the_trigger_help_and_each_steps_example(client, manager):
    workflow = Workflow.objects.get(key="e2-payment-failed")
    client.force_login(manager)

    page = client.get(reverse("workflows:edit", args=[workflow.pk]))

    content = page.content.decode()
    assert page.status_code == 200
    assert "A payment attempt failed." in content
    assert "data.failures_last_30_days" in content
    assert '<option value="data.failure_reason">' in content  # the condition subjects
    assert "e.g. <code>{&quot;tag&quot;: &quot;VIP&quot;}</code>" in content
    assert len(page.context["editor"].steps.forms) == 4


def test_a_manager_edits_a_tag_and_the_next_run_uses_version_2(
    client, manager, account, contact, deliver
):
    workflow = Workflow.objects.get(key="e2-payment-failed")
    data = edit_form(workflow)
    data["steps-0-params"] = '{"tag": "Card Declined"}'
    client.force_login(manager)

    response = client.post(reverse("workflows:edit", args=[workflow.pk]), data, follow=True)

    # It is live: the edit waits as a draft until the manager publishes it.
    assert "Saved as a draft: new runs keep using version 1" in response.content.decode()
    assert workflow.versions.count() == 1
    response = publish_reviewed_draft(client, workflow)
    assert "Published: new runs use version 2" in response.content.decode()
    workflow.refresh_from_db()
    assert workflow.current_version.number == 2
    assert workflow.current_version.created_by == manager
    assert workflow.current_version.steps[0] == {
        "action": "add_tag",
        "params": {"tag": "Card Declined"},
    }
    deliver(lambda: failed_payment(account))
    run = Run.objects.get(workflow=workflow, account=account)
    assert (run.status, run.version.number) == (RunStatus.SUCCEEDED, 2)
    assert "Card Declined" in set(account.tags.values_list("name", flat=True))
    assert "Payment Failed" not in set(account.tags.values_list("name", flat=True))


def test_saving_an_unchanged_workflow_publishes_no_new_version(client, manager):
    workflow = Workflow.objects.get(key="e3-churn")
    client.force_login(manager)

    response = client.post(
        reverse("workflows:edit", args=[workflow.pk]), edit_form(workflow), follow=True
    )

    assert "Nothing changed: new runs use version 1." in response.content.decode()
    assert workflow.versions.count() == 1


@pytest.mark.parametrize(
    ("params", "error"),
    [
        ('{"pipeline": "subscription", "stage": "Gone"}', "has no stage"),
        ('{"pipeline": "subscription"', "Enter a valid JSON."),
        ('{"pipeline": "subscription"}', "Missing parameter(s): stage."),
        ('["subscription"]', "Parameters are a JSON object."),
    ],
)
def test_a_step_that_could_not_run_is_refused_and_nothing_is_published(
    client, manager, params, error
):
    workflow = Workflow.objects.get(key="e3-churn")
    before = list(workflow.steps.values_list("action", "params"))
    data = edit_form(workflow, name="Renamed")
    data["steps-0-params"] = params
    client.force_login(manager)

    response = client.post(reverse("workflows:edit", args=[workflow.pk]), data)

    assert response.status_code == 200
    assert error in response.content.decode()
    assert Workflow.objects.get(pk=workflow.pk).name == workflow.name
    assert workflow.versions.count() == 1
    assert list(workflow.steps.values_list("action", "params")) == before


@pytest.mark.parametrize(
    ("action", "params", "error"),
    [
        ("wait", '{"days": 1000000000}', "`days` is from 0 to 365."),
        ("wait", '{"days": 999999999}', "`days` is from 0 to 365."),
        ("wait", '{"days": 1e9}', "`days` is a whole number, not 1000000000.0."),
        ("wait", '{"days": true}', "`days` is a whole number, not true."),
        ("wait", '{"days": 1e400}', "`days` is a whole number, not Infinity."),
        ("wait", '{"days": 1' + "0" * 400 + "}", "`days` is from 0 to 365."),
        ("wait", '{"hours": 8000, "days": 60}', "A wait is at most 365 days."),
        ("send_email", '{"template": "e3-winback", "throttle_days": "abc"}', "`throttle_days` is"),
        ("send_email", '{"template": "e3-winback", "throttle_days": -5}', "is from 0 to 3,650."),
        ("send_email", '{"template": "e3-winback", "throttle_days": 1e400}', "not Infinity."),
        ("add_tag", '{"tag": ""}', "Missing parameter(s): tag."),
        ("add_tag", '{"tag": "x", "replace": ["y"]}', "Unknown parameter `replace`"),
        ("notify_staff", '{"template": "e3-churn-alert", "rule": "owner", "email": 1}', "true or"),
    ],
)
def test_a_step_with_parameters_out_of_type_or_range_is_refused_and_nothing_is_saved(
    client, manager, action, params, error
):
    workflow = Workflow.objects.get(key="e3-churn")
    before = list(workflow.steps.values_list("action", "params"))
    data = edit_form(workflow)
    added = len(before)
    data["steps-TOTAL_FORMS"] = str(added + 1)
    data.update(
        {
            f"steps-{added}-id": "",
            f"steps-{added}-workflow": workflow.pk,
            f"steps-{added}-position": str(added),
            f"steps-{added}-action": action,
            f"steps-{added}-params": params,
        }
    )
    client.force_login(manager)

    response = client.post(reverse("workflows:edit", args=[workflow.pk]), data)

    assert response.status_code == 200
    errors = response.context["editor"].steps.forms[added].errors["params"]
    assert any(error in message for message in errors), errors
    assert list(workflow.steps.values_list("action", "params")) == before
    assert workflow.versions.count() == 1


def test_an_unknown_condition_subject_is_refused(client, manager):
    workflow = Workflow.objects.get(key="e3-churn")
    data = edit_form(
        workflow,
        conditions=[{"position": 0, "subject": "account.colour", "operator": "eq", "value": "x"}],
    )
    client.force_login(manager)

    response = client.post(reverse("workflows:edit", args=[workflow.pk]), data)

    assert response.status_code == 200
    assert "Unknown subject &#x27;account.colour&#x27;" in response.content.decode()
    assert not workflow.conditions.exists()
    assert workflow.versions.count() == 1


def test_a_condition_on_data_the_trigger_does_not_carry_is_refused_with_what_it_carries(
    client, manager
):
    workflow = Workflow.objects.get(key="e3-churn")  # subscription_cancelled: data.mrr_lost
    data = edit_form(
        workflow,
        conditions=[{"position": 0, "subject": "data.nps", "operator": "eq", "value": "9"}],
    )
    client.force_login(manager)

    response = client.post(reverse("workflows:edit", args=[workflow.pk]), data)

    assert response.status_code == 200
    assert (
        "The trigger “Subscription cancelled” carries no `data.nps`; it carries data.mrr_lost."
        in response.content.decode()
    )
    assert not workflow.conditions.exists()
    assert workflow.versions.count() == 1


def test_switching_the_trigger_refuses_a_condition_the_new_trigger_cannot_answer(client, manager):
    workflow = Workflow.objects.get(key="g1-task-overdue-escalation")  # data.priority
    data = edit_form(workflow, trigger="subscription_cancelled")
    client.force_login(manager)

    response = client.post(reverse("workflows:edit", args=[workflow.pk]), data)

    assert response.status_code == 200
    assert "carries no `data.priority`" in response.content.decode()
    workflow.refresh_from_db()
    assert workflow.trigger == "task_overdue"
    assert workflow.versions.count() == 1


def test_a_comparison_with_a_value_that_is_not_a_number_is_refused(client, manager):
    workflow = Workflow.objects.get(key="e3-churn")
    data = edit_form(
        workflow,
        conditions=[
            {"position": 0, "subject": "account.score", "operator": "gte", "value": "lots"}
        ],
    )
    client.force_login(manager)

    response = client.post(reverse("workflows:edit", args=[workflow.pk]), data)

    assert response.status_code == 200
    assert "`value` is a number to compare with, not &#x27;lots&#x27;." in response.content.decode()
    assert not workflow.conditions.exists()
    assert workflow.versions.count() == 1


def test_a_manager_adds_a_condition_removes_a_step_and_reorders_the_rest(client, manager):
    workflow = Workflow.objects.get(key="e3-churn")
    [move, untag, email, notify] = workflow.steps.all()
    data = edit_form(
        workflow,
        conditions=[{"position": 0, "subject": "account.plan", "operator": "ne", "value": "free"}],
        steps=[
            {"position": 5, "action": move.action, "params": json.dumps(move.params)},
            {"position": 0, "action": untag.action, "params": "{}", "DELETE": "on"},
            {"position": 1, "action": email.action, "params": json.dumps(email.params)},
            {"position": 2, "action": notify.action, "params": "{}", "DELETE": "on"},
            {"position": 3, "action": "add_tag", "params": '{"tag": "Churned"}'},
        ],
    )
    client.force_login(manager)

    response = client.post(reverse("workflows:edit", args=[workflow.pk]), data)

    assert response.status_code == 302
    publish_reviewed_draft(client, workflow)
    version = Workflow.objects.get(pk=workflow.pk).current_version
    assert version.number == 2
    assert version.conditions == [{"subject": "account.plan", "operator": "ne", "value": "free"}]
    assert [step["action"] for step in version.steps] == ["send_email", "add_tag", "move_to_stage"]
    assert not Step.objects.filter(pk__in=[untag.pk, notify.pk]).exists()


def test_the_add_button_returns_a_blank_row_and_the_new_row_count(client, manager):
    workflow = Workflow.objects.get(key="e3-churn")
    client.force_login(manager)

    response = client.get(
        reverse("workflows:row", args=[workflow.pk, "steps"]), {"index": 3}, **HTMX
    )

    content = response.content.decode()
    assert 'name="steps-3-action"' in content
    assert 'name="steps-3-position" value="3"' in content
    assert 'name="steps-TOTAL_FORMS" value="4"' in content
    assert "hx-swap-oob" in content
    assert "?index=4" in content


def test_only_a_manager_adds_rows(client, csm):
    workflow = Workflow.objects.get(key="e3-churn")
    client.force_login(csm)

    response = client.get(reverse("workflows:row", args=[workflow.pk, "steps"]), {"index": 3})

    assert response.status_code == 403


def test_choosing_a_trigger_or_an_action_swaps_in_its_help(client, csm):
    client.force_login(csm)

    trigger = client.get(reverse("workflows:trigger_help"), {"trigger": "login_recorded"}, **HTMX)
    action = client.get(reverse("workflows:action_hint"), {"steps-2-action": "wait"}, **HTMX)

    assert "A customer logged in to the SaaS product." in trigger.content.decode()
    assert '<option value="data.days_since_previous">' in trigger.content.decode()
    assert action.content.decode().strip() == "e.g. <code>{&quot;days&quot;: 1}</code>"


# --- the run log and a run -----------------------------------------------------


def test_the_run_log_filters_by_workflow_status_and_account(client, csm, account, contact, deliver):
    other = AccountFactory(name="Globex Corporation", external_id="globex-1")
    deliver(lambda: failed_payment(account, "ch_1"))
    deliver(lambda: churn(other))
    client.force_login(csm)
    url = reverse("workflows:runs")

    def runs(**filters) -> set[tuple[str, str]]:
        page = client.get(url, filters)
        assert page.status_code == 200
        return {(run.workflow.key, run.account.external_id) for run in page.context["page"]}

    everything = runs()
    churn_workflow = Workflow.objects.get(key="e3-churn")
    assert everything == {
        ("e2-payment-failed", account.external_id),
        ("e2-third-failure-escalation", account.external_id),
        ("e3-churn", "globex-1"),
    }
    assert runs(workflow=churn_workflow.pk) == {("e3-churn", "globex-1")}
    assert runs(status="skipped") == {("e2-third-failure-escalation", account.external_id)}
    assert runs(account="GLOBEX-1") == {("e3-churn", "globex-1")}
    assert runs(account="globex corp") == {("e3-churn", "globex-1")}
    assert runs(account=account.external_id, status="succeeded") == {
        ("e2-payment-failed", account.external_id)
    }
    table = client.get(url, {"status": "skipped"}, **HTMX)
    assert table.templates[0].name == "workflows/_run_table.html"


def test_the_run_log_pages_fifty_runs_newest_first(client, csm):
    workflow = Workflow.objects.get(key="e3-churn")
    runs = bulk_runs(60, workflow)
    client.force_login(csm)

    page = client.get(reverse("workflows:runs"))

    shown = [run.pk for run in page.context["page"]]
    assert len(shown) == 50
    assert shown[0] == max(run.pk for run in runs)
    assert page.context["page"].paginator.count == 60


def test_the_run_log_query_count_does_not_grow_with_runs(client, manager):
    client.force_login(manager)
    workflow = Workflow.objects.get(key="e3-churn")
    bulk_runs(10, workflow)
    small, _ = query_count(client, reverse("workflows:runs"))
    bulk_runs(490, workflow)

    large, queries = query_count(client, reverse("workflows:runs"))

    assert small == large, "\n".join(queries)


def test_a_run_page_shows_its_event_decisions_and_step_results(
    client, csm, account, contact, deliver
):
    deliver(lambda: failed_payment(account))
    skipped = Run.objects.get(workflow__key="e2-third-failure-escalation")
    done = Run.objects.get(workflow__key="e2-payment-failed")
    client.force_login(csm)

    skipped_page = client.get(reverse("workflows:run", args=[skipped.pk]))
    done_page = client.get(reverse("workflows:run", args=[done.pk]))

    assert skipped_page.context["decisions"] == [
        {
            "subject": "data.failures_last_30_days",
            "operator": "is at least",
            "value": "3",
            "seen": 1,
            "held": False,
        }
    ]
    assert "not run: the conditions did not hold" in skipped_page.content.decode()
    assert json.loads(done_page.context["event_data"])["failure_reason"] == "card_declined"
    assert "&quot;failure_reason&quot;: &quot;card_declined&quot;" in done_page.content.decode()
    steps = done_page.context["steps"]
    assert [(s["number"], s["action"], s["result"].outcome) for s in steps] == [
        ("1", "Add tag", "done"),
        ("2", "Move to stage", "done"),
        ("3", "Send e-mail", "done"),
        ("4", "Notify staff", "done"),
    ]
    assert "Tag &#x27;Payment Failed&#x27; added." in done_page.content.decode()
    assert done_page.context["can_retry"] is False


def test_a_manager_retries_a_failed_run_and_it_is_queued_again(
    client, manager, account, contact, deliver
):
    # The win-back template is gone: the e-mail step is refused and the run fails at once.
    MessageTemplate.objects.filter(key="e3-winback").delete()
    deliver(lambda: churn(account))
    run = Run.objects.get(workflow__key="e3-churn", account=account)
    assert run.status == RunStatus.FAILED
    client.force_login(manager)

    page = client.get(reverse("workflows:run", args=[run.pk]))
    response = client.post(reverse("workflows:retry", args=[run.pk]), follow=True)

    assert page.context["can_retry"] is True
    assert 'data-testid="retry-form"' in page.content.decode()
    assert "template" in page.context["run"].last_error
    assert "Queued again" in response.content.decode()
    run.refresh_from_db()
    assert (run.status, run.attempts, run.finished_at) == (RunStatus.QUEUED, 0, None)
    again = client.post(reverse("workflows:retry", args=[run.pk]), follow=True)
    assert "Only a failed run can be retried." in again.content.decode()


def test_an_added_row_left_blank_is_ignored(client, manager):
    workflow = Workflow.objects.get(key="e3-churn")
    data = edit_form(workflow)
    steps = workflow.steps.count()
    data.update(
        {
            "steps-TOTAL_FORMS": str(steps + 1),
            f"steps-{steps}-id": "",
            f"steps-{steps}-workflow": "",
            f"steps-{steps}-position": str(steps),
            f"steps-{steps}-action": "",
            f"steps-{steps}-params": "",
            "conditions-TOTAL_FORMS": "1",
            "conditions-0-position": "0",
            "conditions-0-subject": "",
            "conditions-0-operator": "",
            "conditions-0-value": "",
        }
    )
    client.force_login(manager)

    response = client.post(reverse("workflows:edit", args=[workflow.pk]), data)

    assert response.status_code == 302
    assert workflow.steps.count() == steps
    assert not workflow.conditions.exists()
    assert workflow.versions.count() == 1
