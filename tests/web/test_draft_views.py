"""The draft pages: review (diff and impact), publish, discard, and versions."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from tests.factories import AccountFactory
from tests.web.builder_form import field_named, form_of
from tests.web.test_workflow_views import failed_payment
from tests.workflows.drafting import publish_reviewed_draft
from workflows.models import Step, Workflow

pytestmark = pytest.mark.django_db


def e2() -> Workflow:
    return Workflow.objects.get(key="e2-payment-failed")


def draft_a_new_tag(client, manager, workflow):
    client.force_login(manager)
    data = form_of(client.get(reverse("workflows:edit", args=[workflow.pk])))
    data[field_named(data, "-tag")] = "Card Declined"
    return client.post(reverse("workflows:edit", args=[workflow.pk]), data, follow=True)


def test_saving_a_live_workflow_opens_its_review_with_the_diff_and_impact(client, manager):
    for number in range(3):
        failed_payment(AccountFactory(), external_id=f"ch_{number}")
    workflow = e2()

    response = draft_a_new_tag(client, manager, workflow)

    content = response.content.decode()
    assert response.redirect_chain[-1][0] == reverse("workflows:review", args=[workflow.pk])
    assert "Saved as a draft: new runs keep using version 1" in content
    assert "Step 1 (Add tag): tag Payment Failed → Card Declined." in content
    impact = response.context["impact"]
    assert (impact.accounts, impact.messages, impact.alerts) == (3, 3, 3)
    assert 'data-testid="publish"' in content
    assert "disabled" not in content.split("publish")[-1][:40]
    assert workflow.versions.count() == 1


def test_publish_from_the_review_makes_version_2(client, manager):
    workflow = e2()
    draft_a_new_tag(client, manager, workflow)

    response = publish_reviewed_draft(client, workflow)

    assert "Published: new runs use version 2" in response.content.decode()
    workflow.refresh_from_db()
    assert workflow.current_version.steps[0]["params"] == {"tag": "Card Declined"}
    review = client.get(reverse("workflows:review", args=[workflow.pk]))
    assert 'data-testid="no-draft"' in review.content.decode()


def test_a_stale_review_publishes_nothing(client, manager):
    workflow = e2()
    draft_a_new_tag(client, manager, workflow)

    response = client.post(
        reverse("workflows:publish", args=[workflow.pk]), {"fingerprint": "old"}, follow=True
    )

    assert "Not published: The draft changed since this page was opened" in (
        response.content.decode()
    )
    assert workflow.versions.count() == 1


def test_an_invalid_draft_shows_why_and_publishing_it_is_refused(client, manager):
    workflow = e2()
    Step.objects.filter(workflow=workflow, position=2).update(params={"template": "gone"})
    client.force_login(manager)

    review = client.get(reverse("workflows:review", args=[workflow.pk]))
    response = publish_reviewed_draft(client, workflow)

    assert "This draft cannot be published" in review.content.decode()
    assert "There is no message template &#x27;gone&#x27;." in review.content.decode()
    assert "Not published: Step 3 (Send e-mail): There is no message template" in (
        response.content.decode()
    )
    assert workflow.versions.count() == 1


def test_discard_puts_the_live_version_back(client, manager):
    workflow = e2()
    draft_a_new_tag(client, manager, workflow)

    response = client.post(reverse("workflows:discard", args=[workflow.pk]), follow=True)

    assert "Draft discarded" in response.content.decode()
    assert workflow.steps.get(position=0).params == {"tag": "Payment Failed"}
    assert workflow.versions.count() == 1


def test_staff_without_the_right_read_the_review_but_cannot_publish(client, csm, manager):
    workflow = e2()
    draft_a_new_tag(client, manager, workflow)
    client.force_login(csm)

    review = client.get(reverse("workflows:review", args=[workflow.pk]))
    publish = client.post(reverse("workflows:publish", args=[workflow.pk]), {"fingerprint": "x"})
    discard = client.post(reverse("workflows:discard", args=[workflow.pk]))

    assert review.status_code == 200
    assert 'data-testid="publish"' not in review.content.decode()
    assert (publish.status_code, discard.status_code) == (403, 403)
    assert workflow.versions.count() == 1


def test_versions_open_read_only_and_compare_with_the_draft(client, manager):
    workflow = e2()
    draft_a_new_tag(client, manager, workflow)
    url = reverse("workflows:versions", args=[workflow.pk])

    shown = client.get(url, {"show": "1"}).content.decode()
    compared = client.get(url, {"compare": "1", "with": "draft"}).content.decode()

    assert "Add tag (tag Payment Failed)" in shown
    assert "Payment failed" in shown
    assert "From version 1 to the draft" in compared
    assert "Step 1 (Add tag): tag Payment Failed → Card Declined." in compared


@pytest.mark.parametrize(
    "query",
    [{"show": "99"}, {"show": "abc"}, {"compare": "1", "with": "7"}, {"compare": "1"}],
)
def test_versions_that_do_not_exist_are_a_message_not_an_error(client, manager, query):
    client.force_login(manager)

    response = client.get(reverse("workflows:versions", args=[e2().pk]), query)

    assert response.status_code == 400
    assert 'data-testid="problem"' in response.content.decode()


def test_the_review_page_runs_the_same_queries_for_ten_or_forty_events(client, manager):
    workflow = e2()
    draft_a_new_tag(client, manager, workflow)
    url = reverse("workflows:review", args=[workflow.pk])
    counts = []
    for size in (10, 40):
        for number in range(size - len(counts) * 10):
            failed_payment(AccountFactory(), external_id=f"ch_{size}_{number}")
        with CaptureQueriesContext(connection) as captured:
            assert client.get(url).status_code == 200
        counts.append(len(captured))

    assert counts[0] == counts[1]
