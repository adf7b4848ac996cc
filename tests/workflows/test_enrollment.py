"""Segments in conditions, and playbooks started by hand: once per account, however often
the button is pressed; a large segment held for a manager's choice."""

import pytest
from django.urls import reverse

from accounts.models import Plan
from accounts.services import add_tag, save_segment
from core.causes import Cause
from tests.factories import AccountFactory
from tests.workflows.outcomes import runs_of, tag_names
from workflows import backlogs
from workflows.enrollment import enroll_segment, start_playbook
from workflows.models import (
    BacklogChoice,
    Condition,
    ConditionOperator,
    EnrollmentStatus,
    HeldEvent,
    Run,
    RunStatus,
    SegmentEnrollment,
    Step,
    SweepBacklog,
    TriggerEvent,
    Workflow,
)
from workflows.services import publish
from workflows.triggers.manual import MANUAL

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("frozen_time")]
BY_HAND = Cause.by_system("test set-up")


def playbook(key: str, trigger: str, *, tag: str, segment: str = "", when_tag="") -> Workflow:
    """A one-step playbook that tags the account, optionally only for a segment's members
    (and, for a tag trigger, only when `when_tag` was added)."""
    workflow = Workflow.objects.create(key=key, name=key.title(), trigger=trigger)
    if when_tag:
        Condition.objects.create(
            workflow=workflow, subject="data.tag", operator=ConditionOperator.EQUALS, value=when_tag
        )
    if segment:
        Condition.objects.create(
            workflow=workflow, operator=ConditionOperator.IN_SEGMENT, value=segment
        )
    Step.objects.create(workflow=workflow, position=0, action="add_tag", params={"tag": tag})
    publish(workflow=workflow)
    return Workflow.objects.get(pk=workflow.pk)


@pytest.fixture
def pros(manager):
    return save_segment(name="Pros", filters={"plan": Plan.PRO}, owner=manager, is_shared=True)


def test_a_segment_condition_lets_members_through_and_says_why_others_are_skipped(deliver, pros):
    playbook("vip-welcome", "tag_added", tag="Pro welcomed", segment="pros", when_tag="New")
    pro = AccountFactory(plan=Plan.PRO)
    free = AccountFactory(plan=Plan.FREE)

    for account in (pro, free):
        deliver(lambda account=account: add_tag(account=account, tag="New", cause=BY_HAND))

    assert "Pro welcomed" in tag_names(pro)
    assert "Pro welcomed" not in tag_names(free)
    [skipped] = runs_of("vip-welcome", free)
    assert skipped.status == RunStatus.SKIPPED
    assert skipped.decisions[1]["seen"] == "not in the segment"
    # The same fact again changes nothing (the tag's own "added" started a skipped run).
    deliver(lambda: add_tag(account=pro, tag="New", cause=BY_HAND))
    assert sorted(run.status for run in runs_of("vip-welcome", pro)) == [
        RunStatus.SKIPPED,  # "Pro welcomed" added: not the tag it waits for
        RunStatus.SUCCEEDED,
    ]


def test_a_segment_condition_refuses_a_private_or_missing_segment_at_save(csm):
    save_segment(name="Mine", filters={}, owner=csm, is_shared=False)
    for slug, reason in (("mine", "is private"), ("nope", "There is no segment")):
        workflow = Workflow.objects.create(key=f"w-{slug}", name=slug, trigger="tag_added")
        Condition.objects.create(
            workflow=workflow, operator=ConditionOperator.IN_SEGMENT, value=slug
        )
        with pytest.raises(Exception, match=reason):
            publish(workflow=workflow)
        assert Workflow.objects.get(pk=workflow.pk).current_version is None


def test_a_deleted_segment_fails_its_condition_with_the_reason(deliver, pros):
    playbook("vip-welcome", "tag_added", tag="Pro welcomed", segment="pros")
    pros.delete()
    pro = AccountFactory(plan=Plan.PRO)
    deliver(lambda: add_tag(account=pro, tag="New", cause=BY_HAND))
    [run] = runs_of("vip-welcome", pro)
    assert run.status == RunStatus.SKIPPED
    assert run.decisions[0]["seen"] == "there is no shared segment 'pros'"


def test_start_playbook_clicked_twice_starts_one_run_with_the_note(client, deliver, account, csm):
    playbook("check-in", MANUAL, tag="Checked in")
    client.force_login(csm)  # the account's own CSM
    url = reverse("accounts:playbook-start", args=[account.pk])
    form = {"playbook-playbook": Workflow.objects.get(key="check-in").pk, "playbook-note": "QBR"}

    first = deliver(lambda: client.post(url, form, follow=True))
    second = deliver(lambda: client.post(url, form, follow=True))

    [run] = runs_of("check-in", account)
    assert run.status == RunStatus.SUCCEEDED
    assert run.lane == "interactive"
    assert run.event.data["note"] == "QBR"
    assert run.event.cause_user == csm
    assert "Checked in" in tag_names(account)
    assert "started for" in first.content.decode()
    assert "was already started for this account" in second.content.decode()
    assert TriggerEvent.objects.filter(kind=MANUAL).count() == 1


def test_only_managers_and_the_accounts_csm_start_playbooks(client, account):
    from accounts.roles import CSM
    from tests.factories import UserFactory

    playbook("check-in", MANUAL, tag="Checked in")
    other = UserFactory(username="olga", roles=[CSM])
    client.force_login(other)
    response = client.post(
        reverse("accounts:playbook-start", args=[account.pk]),
        {"playbook-playbook": Workflow.objects.get(key="check-in").pk},
    )
    assert response.status_code == 403
    assert not Run.objects.exists()


def test_a_bad_choice_is_refused_and_nothing_starts(client, account, manager):
    client.force_login(manager)
    response = client.post(
        reverse("accounts:playbook-start", args=[account.pk]), {"playbook-playbook": "999"}
    )
    assert response.status_code == 400
    assert not TriggerEvent.objects.filter(kind=MANUAL).exists()


def test_a_manual_playbook_never_starts_on_its_own_and_a_started_one_only_itself(
    deliver, account, manager
):
    by_hand = playbook("check-in", MANUAL, tag="Checked in")
    playbook("other", MANUAL, tag="Other")
    deliver(lambda: start_playbook(workflow=by_hand, account=account, user=manager))
    assert [run.workflow.key for run in Run.objects.all()] == ["check-in"]
    assert "Other" not in tag_names(account)


def test_running_a_playbook_for_a_segment_enrolls_each_member_once_in_bulk(
    client, deliver, manager, pros
):
    workflow = playbook("pro-nudge", MANUAL, tag="Nudged")
    members = AccountFactory.create_batch(3, plan=Plan.PRO)
    AccountFactory(plan=Plan.FREE)
    start_playbook(workflow=workflow, account=members[0], user=manager)  # one before
    client.force_login(manager)
    url = reverse("workflows:enroll-segment", args=[pros.pk])

    preview = client.post(url, {"playbook": workflow.pk})
    assert "Run “Pro-Nudge” for 3 accounts?" in preview.content.decode()
    assert not SegmentEnrollment.objects.exists()  # a preview changes nothing
    for _ in range(2):  # clicked twice
        deliver(lambda: client.post(url, {"playbook": workflow.pk, "confirm": "true"}))

    runs = Run.objects.filter(workflow=workflow)
    assert runs.count() == 3
    assert sorted(runs.values_list("lane", flat=True)) == ["bulk", "bulk", "interactive"]
    assert all("Nudged" in tag_names(account) for account in members)
    assert set(SegmentEnrollment.objects.values_list("status", flat=True)) == {
        EnrollmentStatus.DONE
    }


def test_a_segment_over_the_threshold_is_held_until_a_manager_chooses(
    client, deliver, settings, manager, pros
):
    settings.SWEEP_BACKLOG_THRESHOLD = 5
    workflow = playbook("pro-nudge", MANUAL, tag="Nudged")
    AccountFactory.create_batch(8, plan=Plan.PRO)

    enrollment = deliver(lambda: enroll_segment(workflow=workflow, segment=pros, user=manager))

    enrollment.refresh_from_db()
    assert enrollment.status == EnrollmentStatus.HELD
    assert HeldEvent.objects.filter(backlog=enrollment.backlog).count() == 8
    assert not Run.objects.exists()  # nothing sent yet
    client.force_login(manager)
    page = client.get(reverse("workflows:list")).content.decode()
    assert "Held: 8 accounts enrolled in “Pro-Nudge” for segment “Pros”" in page
    backlog = SweepBacklog.objects.get()
    deliver(lambda: backlogs.choose(backlog=backlog, choice=BacklogChoice.ALL, user=manager))
    deliver(backlogs.release_due)
    runs = Run.objects.filter(workflow=workflow)
    assert runs.count() == 8
    assert set(runs.values_list("status", "lane")) == {(RunStatus.SUCCEEDED, "bulk")}
