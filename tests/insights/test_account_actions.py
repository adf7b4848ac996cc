"""The account page's inline actions, end to end as the role that uses each.

Each posts as a browser would (plain form, or htmx), runs the owning service
with the after-commit callbacks executed (so the playbooks run, as on a worker),
and checks what a user then sees; other roles get 403, bad input 400 and no change.
"""

from datetime import timedelta

import pytest
from django.urls import reverse

from accounts.models import AccountEvent, Contact, TagEvent
from accounts.roles import CSM
from accounts.services import add_tag
from activity.models import Task, TaskSource
from core import clock
from notifications.models import Alert
from pipelines.models import Card, Stage, StageMove
from tests.factories import AccountFactory, ContactFactory, UserFactory
from tests.web.html import timeline_of

pytestmark = pytest.mark.django_db

HTMX = {"HTTP_HX_REQUEST": "true"}


@pytest.fixture
def post(client, django_capture_on_commit_callbacks):
    """POST `data` to the account action `name` as `user`, running what follows the commit."""

    def post(user, name: str, account, data=None, *args, htmx=False):
        client.force_login(user)
        url = reverse(f"accounts:{name}", args=[account.pk, *args])
        with django_capture_on_commit_callbacks(execute=True):
            return client.post(url, data or {}, **(HTMX if htmx else {}))

    return post


def _page(client, account) -> str:
    return client.get(reverse("accounts:detail", args=[account.pk])).content.decode()


def test_a_manager_hands_the_account_to_another_csm(client, post, manager, account, csm):
    other = UserFactory(username="olga", first_name="Olga", last_name="Berg", roles=[CSM])

    response = post(manager, "owner", account, {"owner": other.pk})

    assert response.status_code == 302
    account.refresh_from_db()
    assert account.owner == other
    event = AccountEvent.objects.get(account=account, kind="updated")
    assert event.data == {"owner": [csm.pk, other.pk]}
    assert event.cause_user == manager
    assert 'data-testid="owner">Olga Berg<' in _page(client, account)


def test_owner_changes_are_refused_to_csms_and_bad_owners(client, post, csm, manager, account):
    client.force_login(csm)
    assert 'data-testid="owner-form"' not in _page(client, account)
    assert post(csm, "owner", account, {"owner": manager.pk}).status_code == 403

    response = post(manager, "owner", account, {"owner": 999_999})

    assert response.status_code == 400
    assert "Select a valid choice" in response.content.decode()
    account.refresh_from_db()
    assert account.owner == csm


def test_a_csm_adds_and_removes_a_tag(client, post, csm, account):
    response = post(csm, "tag-add", account, {"name": "  Key   account "})

    assert response.status_code == 302
    assert list(account.tags.values_list("name", flat=True)) == ["Key account"]
    added = TagEvent.objects.get(account=account)
    assert added.cause_user == csm
    assert added.action == "added"
    page = timeline_of(client, account)
    assert "Tag Key account added" in page
    assert f"{csm.get_full_name()}: account page" in page  # the timeline names the person

    tag = account.tags.get()
    assert post(csm, "tag-remove", account, {}, tag.pk).status_code == 302
    assert not account.tags.exists()
    assert TagEvent.objects.filter(account=account, action="removed").count() == 1


def test_a_blank_or_too_long_tag_is_refused_with_the_form_error(post, csm, account):
    for name in ["", "   ", "x" * 81]:
        response = post(csm, "tag-add", account, {"name": name}, htmx=True)
        assert response.status_code == 400, name
        assert 'id="account-page"' in response.content.decode()
        assert "is-invalid" in response.content.decode()
    assert not TagEvent.objects.exists()


def test_tag_actions_are_refused_to_the_affiliate_manager(client, post, affiliate_manager, account):
    add_tag(
        account=account, tag="VIP", cause=None or __import__("core.causes").causes.Cause.by_system()
    )
    tag = account.tags.get()
    client.force_login(affiliate_manager)
    page = _page(client, account)

    for testid in ["tag-form", "owner-form", "task-form", "contact-add-form", "stage-select"]:
        assert f'data-testid="{testid}"' not in page, testid
    assert 'aria-label="Remove tag VIP"' not in page
    assert post(affiliate_manager, "tag-add", account, {"name": "Mine"}).status_code == 403
    assert post(affiliate_manager, "tag-remove", account, {}, tag.pk).status_code == 403
    assert post(affiliate_manager, "task-add", account, {"task-title": "x"}).status_code == 403
    assert (
        post(affiliate_manager, "contact-add", account, {"new-contact-name": "x"}).status_code
        == 403
    )
    assert list(account.tags.values_list("name", flat=True)) == ["VIP"]


def test_a_csm_moves_the_account_on_a_board(client, post, csm, account):
    stage = Stage.objects.get(pipeline__key="subscription", name="Subscription Failed")

    response = post(csm, "stage", account, {"stage": stage.pk}, htmx=True)

    assert response.status_code == 302  # htmx follows it and swaps the page's section
    assert Card.objects.get(account=account, pipeline__key="subscription").stage == stage
    move = StageMove.objects.get(account=account, to_stage=stage)
    assert move.cause_user == csm
    assert "Moved to" in timeline_of(client, account)


def test_a_csm_cannot_set_health_through_the_health_board(client, post, csm, account):
    struggling = Stage.objects.get(pipeline__key="health", name="Struggling")
    client.force_login(csm)
    page = _page(client, account)
    assert f'id="stage-{struggling.pipeline_id}"' not in page  # no picker on that board

    assert post(csm, "stage", account, {"stage": struggling.pk}).status_code == 403
    account.refresh_from_db()
    assert account.health_status == ""
    assert not Card.objects.filter(account=account, pipeline__key="health").exists()


def test_a_manager_moving_the_health_card_runs_playbook_b1(post, manager, account, csm):
    struggling = Stage.objects.get(pipeline__key="health", name="Struggling")

    assert post(manager, "stage", account, {"stage": struggling.pk}).status_code == 302

    account.refresh_from_db()
    assert account.health_status == "struggling"
    assert "Struggling" in account.tags.values_list("name", flat=True)
    assert Card.objects.get(account=account, pipeline__key="health").stage == struggling
    assert Alert.objects.filter(user=csm, account=account).exists()  # b1 tells the owner


def test_an_unknown_stage_is_refused(post, csm, account):
    for data in [{"stage": "999999"}, {"stage": "abc"}, {}]:
        response = post(csm, "stage", account, data)
        assert response.status_code == 400, data
    assert not StageMove.objects.filter(account=account).exists()


def test_a_csm_adds_a_contact(client, post, csm, account):
    response = post(
        csm,
        "contact-add",
        account,
        {"new-contact-name": "Lea Park", "new-contact-email": "lea@park.example",
         "new-contact-phone": "+14155550100"},
    )  # fmt: skip

    assert response.status_code == 302
    contact = Contact.objects.get(account=account)
    assert (contact.name, contact.email, contact.phone) == (
        "Lea Park",
        "lea@park.example",
        "+14155550100",
    )
    assert AccountEvent.objects.get(account=account, kind="contact_changed").cause_user == csm
    assert "Lea Park" in _page(client, account)


def test_bad_contacts_are_refused_and_nothing_is_saved(post, csm, account):
    ContactFactory(account=account, name="First", email="first@x.example")
    bad = [
        {"new-contact-name": "", "new-contact-email": "a@b.example"},
        {"new-contact-name": "Bad Mail", "new-contact-email": "not-an-address"},
        {"new-contact-name": "Bad Phone", "new-contact-phone": "0415 555"},
        {"new-contact-name": "Twin", "new-contact-email": "FIRST@x.example"},
    ]
    for data in bad:
        response = post(csm, "contact-add", account, data, htmx=True)
        assert response.status_code == 400, data
        assert (
            "invalid-feedback" in response.content.decode() or "alert" in response.content.decode()
        )
    assert list(Contact.objects.values_list("name", flat=True)) == ["First"]


def test_a_csm_edits_a_contact(post, csm, account):
    contact = ContactFactory(account=account, name="Old Name", email="o@x.example")
    prefix = f"contact-{contact.pk}"

    response = post(
        csm, "contact-edit", account,
        {f"{prefix}-name": "New Name", f"{prefix}-email": "n@x.example", f"{prefix}-phone": ""},
        contact.pk,
    )  # fmt: skip

    assert response.status_code == 302
    contact.refresh_from_db()
    assert (contact.name, contact.email) == ("New Name", "n@x.example")
    bad = post(csm, "contact-edit", account, {f"{prefix}-name": ""}, contact.pk)
    assert bad.status_code == 400
    contact.refresh_from_db()
    assert contact.name == "New Name"


def test_making_a_contact_primary_demotes_the_other_and_tells_the_owner(post, csm, account):
    first = ContactFactory(account=account, name="First", is_primary=True)
    second = ContactFactory(
        account=account, name="Second", email="second@x.example", is_primary=False
    )

    assert post(csm, "contact-primary", account, {}, second.pk).status_code == 302

    first.refresh_from_db()
    second.refresh_from_db()
    assert second.is_primary
    assert not first.is_primary
    # The "Primary contact changed" playbook alerts the account's owner.
    assert Alert.objects.filter(user=csm, account=account).count() == 1
    assert post(csm, "contact-primary", account, {}, second.pk).status_code == 302
    assert Alert.objects.filter(user=csm, account=account).count() == 1  # same again: no-op


def test_another_accounts_contact_is_not_found(post, csm, account):
    stranger = ContactFactory(account=AccountFactory(), name="Stranger", is_primary=False)
    assert post(csm, "contact-primary", account, {}, stranger.pk).status_code == 404
    stranger.refresh_from_db()
    assert not stranger.is_primary


def test_a_csm_creates_a_task_for_this_account_without_typing_it(client, post, csm, account):
    due = (clock.now() + timedelta(days=2)).strftime("%Y-%m-%dT%H:%M")

    response = post(
        csm, "task-add", account,
        {"task-title": "Call about renewal", "task-priority": "high", "task-due_at": due},
    )  # fmt: skip

    assert response.status_code == 302
    task = Task.objects.get(account=account)
    assert (task.title, task.source, task.priority) == (
        "Call about renewal",
        TaskSource.STAFF,
        "high",
    )
    assert task.assignee == csm  # unassigned goes to the owner
    assert task.cause_user == csm
    assert "Task: Call about renewal" in timeline_of(client, account)


def test_bad_tasks_are_refused_with_the_forms_errors(post, csm, account, manager):
    past = (clock.now() - timedelta(days=1)).strftime("%Y-%m-%dT%H:%M")
    for data in [
        {"task-title": ""},
        {"task-title": "Late", "task-due_at": past},
        {"task-title": "Odd", "task-priority": "urgent!"},
        {"task-title": "For someone else", "task-assignee": str(manager.pk)},  # a CSM's picker
    ]:
        response = post(csm, "task-add", account, data, htmx=True)
        assert response.status_code == 400, data
        assert 'data-testid="task-panel"' in response.content.decode()
        assert "open" in response.content.decode().split('data-testid="task-panel"')[0][-80:]
    assert not Task.objects.exists()


def test_a_get_on_an_action_is_not_allowed(client, csm, account):
    client.force_login(csm)
    assert client.get(reverse("accounts:tag-add", args=[account.pk])).status_code == 405


def test_an_action_on_a_missing_account_is_404(post, csm, account):
    account.pk = 999_999
    assert post(csm, "tag-add", account, {"name": "VIP"}).status_code == 404
