"""install_playbooks / export_playbooks: the catalogue leaves and re-enters the database."""

import json
from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from workflows.catalogue import default_playbooks
from workflows.models import Workflow
from workflows.services import validate_definition

pytestmark = pytest.mark.django_db


def run(*args) -> str:
    out = StringIO()
    call_command(*args, stdout=out)
    return out.getvalue()


def test_installing_twice_changes_nothing():
    versions = dict(Workflow.objects.values_list("key", "current_version"))

    assert run("install_playbooks").startswith("0 playbook(s) installed")
    assert dict(Workflow.objects.values_list("key", "current_version")) == versions


def test_a_deleted_default_comes_back_and_an_edited_one_is_kept():
    Workflow.objects.filter(key="e3-churn").delete()
    Workflow.objects.filter(key="a1-welcome").update(name="Our own welcome")

    assert run("install_playbooks").startswith("1 playbook(s) installed")
    assert Workflow.objects.get(key="e3-churn").current_version.number == 1
    assert Workflow.objects.get(key="a1-welcome").name == "Our own welcome"


def test_an_exported_workflow_reimports_as_it_was(tmp_path):
    exported = json.loads(run("export_playbooks"))
    original = next(w for w in exported if w["key"] == "c1-feature-engaged")
    Workflow.objects.filter(key="c1-feature-engaged").delete()
    path = tmp_path / "playbooks.json"
    path.write_text(json.dumps([original]))

    run("install_playbooks", "--file", str(path))

    again = json.loads(run("export_playbooks"))
    assert next(w for w in again if w["key"] == "c1-feature-engaged") == original


def test_a_broken_file_is_refused_and_installs_nothing(tmp_path):
    path = tmp_path / "bad.json"
    path.write_text(
        json.dumps(
            [{"key": "x", "name": "X", "trigger": "moon_landed", "conditions": [], "steps": []}]
        )
    )

    with pytest.raises(CommandError, match="Unknown trigger"):
        run("install_playbooks", "--file", str(path))
    assert not Workflow.objects.filter(key="x").exists()


def test_a_file_with_a_step_out_of_range_is_refused_with_the_step_and_installs_nothing(tmp_path):
    Workflow.objects.filter(key="e3-churn").delete()
    good = next(p for p in default_playbooks() if p["key"] == "e3-churn")
    bad = {
        "key": "long-wait",
        "name": "Long wait",
        "trigger": "plan_changed",
        "conditions": [],
        "steps": [
            {"action": "add_tag", "params": {"tag": "Upgraded"}},
            {"action": "wait", "params": {"days": 999999999}},
        ],
    }
    path = tmp_path / "playbooks.json"
    path.write_text(json.dumps([good, bad]))

    with pytest.raises(CommandError) as refused:
        run("install_playbooks", "--file", str(path))

    assert str(refused.value) == "long-wait: Step 2 (Wait): `days` is from 0 to 365."
    assert not Workflow.objects.filter(key__in=["e3-churn", "long-wait"]).exists()


@pytest.mark.parametrize(
    ("playbook", "error"),
    [
        ({"key": "x", "name": "X", "trigger": "plan_changed"}, "x: Missing `conditions`"),
        (
            {"key": "x", "name": "X", "trigger": "plan_changed", "conditions": [], "steps": [1]},
            "x: Step 1: a step is an object with `action` and `params`.",
        ),
        (
            {
                "key": "x",
                "name": "X",
                "trigger": "plan_changed",
                "conditions": [{"subject": "", "operator": "has_tag", "value": 5}],
                "steps": [],
            },
            "x: Condition 1: `value` is text.",
        ),
        (
            {
                "key": "x",
                "name": "X",
                "trigger": "plan_changed",
                "conditions": [{"subject": "data.nps", "operator": "eq", "value": "9"}],
                "steps": [],
            },
            "x: Condition 1: The trigger “Plan changed” carries no `data.nps`; it carries "
            "data.from_plan, data.to_plan, data.upgrade.",
        ),
        (
            {
                "key": "x",
                "name": "X",
                "trigger": "nps_due",
                "conditions": [{"subject": "data.nps", "operator": "eq", "value": "9"}],
                "steps": [],
            },
            "x: Condition 1: The trigger “NPS survey due” carries no `data.nps`; it carries no "
            "data: test the account instead.",
        ),
    ],
)
def test_a_malformed_playbook_is_refused_with_a_readable_reason(tmp_path, playbook, error):
    path = tmp_path / "playbooks.json"
    path.write_text(json.dumps([playbook]))

    with pytest.raises(CommandError) as refused:
        run("install_playbooks", "--file", str(path))

    assert str(refused.value).startswith(error)
    assert not Workflow.objects.filter(key="x").exists()


def test_every_shipped_playbook_passes_the_checks_an_import_makes():
    for playbook in default_playbooks():
        validate_definition(playbook)
