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
from tests.web.builder_form import field_named, form_of, submit
from tests.web.html import find_testids, text_of
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
        reverse("workflows:edit", args=[workflow.pk]), {**form_of(page), "name": "Hacked"}
    )
    redraw = client.post(reverse("workflows:edit", args=[workflow.pk]), {"op": "add:root"})

    assert page.status_code == 200
    content = page.content.decode()
    assert "Read-only" in content
    assert "<fieldset disabled>" in content
    assert "Save and publish" not in content
    assert (response.status_code, redraw.status_code) == (403, 403)
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


# --- the editor (the playbook builder: workflows/builder/) ----------------------


def edit_url(workflow: Workflow) -> str:
    return reverse("workflows:edit", args=[workflow.pk])


def added(client, workflow, list_key: str = "root", action: str = "", data=None):
    """Press a list's Add (a step of `action`, or a condition): the page as redrawn, its
    form's fields and the new node's id."""
    fields = data if data is not None else form_of(client.get(edit_url(workflow)))
    if action:
        fields = {**fields, f"new-{list_key}": action}
    response = submit(client, workflow, fields, op=f"add:{list_key}")
    assert response.status_code == 200
    fields = form_of(response)
    return response, fields, fields[f"order-{list_key}"].split(",")[-1]


def test_the_editor_shows_the_trigger_help_and_each_step_as_its_own_form(client, manager):
    workflow = Workflow.objects.get(key="e2-payment-failed")
    client.force_login(manager)

    page = client.get(edit_url(workflow))
    with_condition, _, _ = added(client, workflow, "root-conds")

    content = page.content.decode()
    assert page.status_code == 200
    assert "A payment attempt failed." in content
    assert "data.failures_last_30_days" in content
    assert (
        '<option value="data.failure_reason">Failure reason</option>'
        in with_condition.content.decode()
    )
    assert find_testids(page, "step") == ["steps", *["step", "step-label"] * 4]
    assert '<option value="e2-payment-failed-alert" selected>' in content  # the staff alert
    assert 'value="subscription|Subscription Failed" selected' in content  # pipeline › stage
    assert "Preview the template" in content


def test_a_manager_edits_a_tag_and_the_next_run_uses_version_2(
    client, manager, account, contact, deliver
):
    workflow = Workflow.objects.get(key="e2-payment-failed")
    client.force_login(manager)
    data = form_of(client.get(edit_url(workflow)))
    data[field_named(data, "-tag")] = "Card Declined"

    response = client.post(edit_url(workflow), data, follow=True)

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

    response = submit(client, workflow)

    assert response.status_code == 302
    page = client.get(response["Location"])
    assert "Nothing changed: new runs use version 1." in page.content.decode()
    assert workflow.versions.count() == 1


@pytest.mark.parametrize(
    ("stage", "error"),
    [
        ("subscription|Gone", "has no stage"),
        ("nowhere|Active", "There is no pipeline"),
        ("", "This field is required."),
    ],
)
def test_a_step_that_could_not_run_is_refused_at_its_field_and_nothing_is_published(
    client, manager, stage, error
):
    workflow = Workflow.objects.get(key="e3-churn")
    before = list(workflow.steps.values_list("action", "params"))
    client.force_login(manager)
    data = form_of(client.get(edit_url(workflow)))
    data.update({"name": "Renamed", field_named(data, "-stage"): stage})

    response = client.post(edit_url(workflow), data)

    assert response.status_code == 200
    step = next(response.context["builder"].all_steps())
    assert any(error in message for message in step.form.errors["stage"])
    assert error in text_of(response, "form-errors")  # at the top too
    assert Workflow.objects.get(pk=workflow.pk).name == workflow.name
    assert workflow.versions.count() == 1
    assert list(workflow.steps.values_list("action", "params")) == before


@pytest.mark.parametrize(
    ("action", "fields", "field", "error"),
    [
        ("wait", {"amount": "400", "unit": "days"}, "amount", "`days` is from 0 to 365."),
        ("wait", {"amount": "9000", "unit": "hours"}, "amount", "`hours` is from 0 to 8,760."),
        ("wait", {"amount": "1e400", "unit": "days"}, "amount", "Enter a whole number."),
        ("wait", {"amount": "true", "unit": "hours"}, "amount", "Enter a whole number."),
        ("wait", {"amount": "0", "unit": "days"}, "amount", "greater than or equal to 1"),
        ("wait", {"amount": "9", "unit": "weeks"}, "unit", "Select a valid choice."),
        ("send_email", {"template": "e3-churn-alert"}, "template", "not a customer"),
        ("send_sms", {"template": "nope"}, "template", "There is no message template 'nope'."),
        ("add_tag", {"tag": ""}, "tag", "This field is required."),
        ("add_tag", {"tag": "{{ data.x|nofilter }}"}, "tag", "not a valid text with placeholders"),
        ("notify_staff", {"template": "e3-churn-alert", "rule": "role"}, "role", "role."),
        ("notify_staff", {"template": "e3-churn-alert", "rule": "who"}, "rule", "valid choice"),
        ("add_points", {"points": "0"}, "points", "`points` is a non-zero whole number."),
        ("create_task", {"title": "x", "due_in_days": "-1"}, "due_in_days", "greater than or"),
        ("open_signal", {"reason": "made_up"}, "reason", "There is no signal type"),
        ("wait_for", {"event": "login_recorded", "amount": ""}, "amount", "needs a time limit"),
    ],
)
def test_a_step_with_input_out_of_type_or_range_is_refused_and_nothing_is_saved(
    client, manager, action, fields, field, error
):
    workflow = Workflow.objects.get(key="e3-churn")
    before = list(workflow.steps.values_list("action", "params"))
    client.force_login(manager)
    _, data, node = added(client, workflow, action=action)
    data.update({f"{node}-{name}": value for name, value in fields.items()})

    response = client.post(edit_url(workflow), data)

    assert response.status_code == 200
    step = list(response.context["builder"].all_steps())[-1]
    assert step.node == node
    errors = step.form.errors.get(field, [])
    assert any(error in message for message in errors), step.form.errors
    assert list(workflow.steps.values_list("action", "params")) == before
    assert workflow.versions.count() == 1


def condition_post(client, workflow, subject: str, operator: str, value: str, **changes):
    _, data, node = added(client, workflow, "root-conds")
    data.update({f"{node}-subject": subject, f"{node}-operator": operator, f"{node}-value": value})
    return client.post(edit_url(workflow), {**data, **changes}), node


def test_an_unknown_condition_subject_is_refused_at_the_subject(client, manager):
    workflow = Workflow.objects.get(key="e3-churn")
    client.force_login(manager)

    response, _ = condition_post(client, workflow, "account.colour", "eq", "x")

    assert response.status_code == 200
    assert "Unknown subject &#x27;account.colour&#x27;" in response.content.decode()
    [(_, form)] = response.context["builder"].conditions.rows
    assert form.errors["subject"]
    assert not workflow.conditions.exists()
    assert workflow.versions.count() == 1


def test_a_condition_on_data_the_trigger_does_not_carry_is_refused_with_what_it_carries(
    client, manager
):
    workflow = Workflow.objects.get(key="e3-churn")  # subscription_cancelled: data.mrr_lost
    client.force_login(manager)

    response, _ = condition_post(client, workflow, "data.nps", "eq", "9")

    assert response.status_code == 200
    assert (
        "The trigger “Subscription cancelled” carries no `data.nps`; it carries data.mrr_lost."
        in response.content.decode()
    )
    assert not workflow.conditions.exists()
    assert workflow.versions.count() == 1


def test_switching_the_trigger_refuses_a_condition_the_new_trigger_cannot_answer(client, manager):
    workflow = Workflow.objects.get(key="g1-task-overdue-escalation")  # data.priority
    client.force_login(manager)

    response = submit(client, workflow, trigger="subscription_cancelled")

    assert response.status_code == 200
    assert "carries no `data.priority`" in response.content.decode()
    workflow.refresh_from_db()
    assert workflow.trigger == "task_overdue"
    assert workflow.versions.count() == 1


@pytest.mark.parametrize(
    ("subject", "operator", "value", "error"),
    [
        ("account.score", "gte", "lots", "`value` is a number to compare with, not &#x27;lots"),
        ("account.plan", "has_tag", "VIP", "For this subject choose equals"),
        ("@tag", "eq", "VIP", "For this subject choose has the tag, does not have the tag."),
        ("@tag", "has_tag", "", "A tag condition needs the tag"),
        ("@segment", "in_segment", "gone", "There is no segment &#x27;gone&#x27;"),
    ],
)
def test_a_condition_whose_test_or_value_does_not_fit_its_subject_is_refused(
    client, manager, subject, operator, value, error
):
    workflow = Workflow.objects.get(key="e3-churn")
    client.force_login(manager)

    response, _ = condition_post(client, workflow, subject, operator, value)

    assert response.status_code == 200
    assert error in response.content.decode()
    assert not workflow.conditions.exists()
    assert workflow.versions.count() == 1


def test_a_manager_adds_a_condition_and_drags_the_steps_into_a_new_order(client, manager):
    """A drag only rewrites the list's order (SortableJS); leaving a step out deletes it."""
    workflow = Workflow.objects.get(key="e3-churn")
    [_, untag, _, notify] = workflow.steps.all()
    client.force_login(manager)
    _, data, tag = added(client, workflow, action="add_tag")
    _, data, condition = added(
        client, workflow, "root-conds", data={**data, f"{tag}-tag": "Churned"}
    )
    first, _, third, _, _ = data["order-root"].split(",")
    data.update(
        {
            f"{condition}-subject": "account.plan",
            f"{condition}-operator": "ne",
            f"{condition}-value": "free",
            "order-root": f"{third},{tag},{first}",
        }
    )

    response = client.post(edit_url(workflow), data)

    assert response.status_code == 302, response.context["builder"].errors
    publish_reviewed_draft(client, workflow)
    version = Workflow.objects.get(pk=workflow.pk).current_version
    assert version.number == 2
    assert version.conditions == [{"subject": "account.plan", "operator": "ne", "value": "free"}]
    assert [step["action"] for step in version.steps] == ["send_email", "add_tag", "move_to_stage"]
    assert [s.action for s in workflow.steps.all()] == ["send_email", "add_tag", "move_to_stage"]
    assert not Step.objects.filter(pk__in=[untag.pk, notify.pk]).exists()


def test_without_javascript_the_buttons_add_move_and_delete_and_save_nothing_until_saved(
    client, manager
):
    workflow = Workflow.objects.get(key="e3-churn")
    client.force_login(manager)
    page, data, node = added(client, workflow, action="set_happiness")
    assert "Set happiness" in text_of(page, "steps")
    assert page.context["builder"].errors == []  # a redraw judges nothing
    data[f"{node}-level"] = "happy"
    first = data["order-root"].split(",")[0]

    for op in [f"up:{node}", f"del:{first}", "add:root-conds"]:
        page = submit(client, workflow, data, op=op)
        assert page.status_code == 200
        data = form_of(page)
    saved = client.post(edit_url(workflow), data)

    assert data[f"{node}-level"] == "happy"  # what was typed went with the step
    assert saved.status_code == 302, saved.context["builder"].errors  # blank condition: ignored
    publish_reviewed_draft(client, workflow)
    version = Workflow.objects.get(pk=workflow.pk).current_version
    assert [step["action"] for step in version.steps] == [
        "remove_tag",
        "send_email",
        "set_happiness",
        "notify_staff",
    ]
    assert version.steps[2]["params"] == {"level": "happy"}
    assert version.conditions == []


def test_only_a_manager_presses_the_builders_buttons(client, csm):
    workflow = Workflow.objects.get(key="e3-churn")
    client.force_login(csm)

    response = client.post(edit_url(workflow), {"op": "add:root", "new-root": "wait"})

    assert response.status_code == 403


def test_choosing_a_trigger_swaps_in_its_help(client, csm):
    client.force_login(csm)

    trigger = client.get(reverse("workflows:trigger_help"), {"trigger": "login_recorded"}, **HTMX)

    assert "A customer logged in to the SaaS product." in trigger.content.decode()
    assert "<code>data.days_since_previous</code>" in trigger.content.decode()


@pytest.mark.parametrize("op", ["add:nowhere", "del:s999", "up:zz", "addpath:s1", "nonsense"])
def test_a_button_naming_what_is_not_there_redraws_the_page_unchanged(client, manager, op):
    workflow = Workflow.objects.get(key="e3-churn")
    client.force_login(manager)
    before = form_of(client.get(edit_url(workflow)))

    response = submit(client, workflow, before, op=op)

    assert response.status_code == 200
    after = form_of(response)
    assert after["order-root"] == before["order-root"]
    assert workflow.versions.count() == 1


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
