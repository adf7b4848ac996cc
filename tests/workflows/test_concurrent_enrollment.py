"""Two people (or two tabs) start the same playbook for the same account at the same moment:
the database's constraints, not a check, leave one enrollment and one run."""

import threading

import pytest
from django.db import connection

from workflows.enrollment import start_playbook
from workflows.models import Run, Step, TriggerEvent, Workflow
from workflows.services import publish
from workflows.triggers.manual import MANUAL

pytestmark = [pytest.mark.django_db(transaction=True, serialized_rollback=True)]


@pytest.mark.postgres_only
def test_two_concurrent_starts_enroll_the_account_once(account, manager, csm):
    workflow = Workflow.objects.create(key="check-in", name="Check-in", trigger=MANUAL)
    Step.objects.create(workflow=workflow, position=0, action="add_tag", params={"tag": "Checked"})
    publish(workflow=workflow)
    workflow.refresh_from_db()
    barrier = threading.Barrier(2)
    results, errors = [], []

    def press(user):
        try:
            barrier.wait()
            results.append(start_playbook(workflow=workflow, account=account, user=user))
        except Exception as error:
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=press, args=(user,)) for user in (manager, csm)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert errors == []
    assert TriggerEvent.objects.filter(kind=MANUAL, account=account).count() == 1
    assert Run.objects.filter(workflow=workflow, account=account).count() == 1
    assert sorted(result.new for result in results) == [False, True]
