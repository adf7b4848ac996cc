"""install_playbooks / export_playbooks: the catalogue leaves and re-enters the database."""

import json
from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from workflows.models import Workflow

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
