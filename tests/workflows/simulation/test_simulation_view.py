"""The simulator's page: reached from the editor and the account page; bad input is a 400."""

from datetime import timedelta

import pytest

from activity.services.logins import record_login
from core.causes import Cause
from tests.factories import ContactFactory, UserFactory
from tests.workflows.conftest import NOW
from workflows.models import Workflow

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("frozen_time")]


def test_the_account_page_simulates_the_catalogue_day_by_day(client, csm, account):
    ContactFactory(account=account, email="jordan@acme.example", is_primary=True)
    record_login(account=account, occurred_at=NOW - timedelta(days=2), cause=Cause.by_api())
    client.force_login(csm)
    page = client.get(f"/accounts/{account.pk}/").content.decode()
    assert "/workflows/simulate/?account=" in page

    response = client.get("/workflows/simulate/", {"account": account.pk, "days": 10})

    assert response.status_code == 200
    text = response.content.decode()
    assert "the active catalogue" in text
    assert "Account inactive" in text
    assert "jordan@acme.example" in text


def test_the_editor_links_to_a_simulation_of_that_workflow(client, manager, account):
    workflow = Workflow.objects.get(key="d1-inactive")
    client.force_login(manager)
    editor = client.get(f"/workflows/{workflow.pk}/").content.decode()
    assert f"/workflows/simulate/?workflow={workflow.pk}" in editor

    response = client.get(
        "/workflows/simulate/", {"account": account.external_id, "workflow": workflow.pk}
    )

    assert response.status_code == 200
    assert f"{workflow.name} (version" in response.content.decode()


@pytest.mark.parametrize(
    "query", [{"account": "nope"}, {"account": "1", "days": "abc"}, {"account": "1", "days": 400}]
)
def test_bad_input_is_a_400_that_says_why(client, csm, account, query):
    client.force_login(csm)
    response = client.get("/workflows/simulate/", query)
    assert response.status_code == 400
    assert "is-invalid" in response.content.decode()


def test_someone_without_access_to_workflows_is_refused(client, account):
    client.force_login(UserFactory(username="nobody", roles=[]))
    assert client.get("/workflows/simulate/", {"account": account.pk}).status_code == 403
