"""The data migration: every NPS answer recorded before surveys is a response of the NPS survey."""

from datetime import UTC, datetime

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from surveys.models import SurveyResponse


@pytest.mark.django_db(transaction=True)
def test_the_migration_makes_each_earlier_feedback_a_response_of_the_nps_survey():
    executor = MigrationExecutor(connection)
    before = [("surveys", "0001_initial")]
    executor.migrate(before)
    old = executor.loader.project_state(before).apps
    Account = old.get_model("accounts", "Account")
    Feedback = old.get_model("activity", "Feedback")
    when = datetime(2025, 3, 1, tzinfo=UTC)
    account = Account.objects.create(name="Acme", external_id="acme", signed_up_at=when)
    for n, (nps, comment) in enumerate([(9, "Great"), (2, "")]):
        Feedback.objects.create(
            account=account,
            nps=nps,
            comment=comment,
            submitted_at=when,
            created_at=when,
            submission_key=f"portal:{n}",
            cause_kind="customer",
        )

    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(executor.loader.graph.leaf_nodes())

    responses = SurveyResponse.objects.filter(version__survey__key="nps").order_by("pk")
    assert [
        {a.question.key: a.value for a in response.answers.all()} for response in responses
    ] == [{"nps": 9, "comment": "Great"}, {"nps": 2}]
    assert all(r.feedback_id and r.send_id is None for r in responses)
    assert {r.submitted_at for r in responses} == {when}
