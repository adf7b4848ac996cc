"""Every CSV export: UTF-8 with a BOM (Excel reads it right) and no cell a spreadsheet runs.

Text that came from outside (account names, tags, staff and playbook names) may start with
= + - @ tab or CR; a spreadsheet would run such a cell as a formula (OWASP "CSV injection"),
so it is prefixed with a single quote. Numbers stay numbers.
"""

import csv
import io

import pytest
from django.urls import reverse

from accounts.services import add_tag
from activity.models import TaskSource
from activity.services.tasks import create_task, resolve_task
from core.causes import Cause
from scoring.models import ScoreSource
from scoring.services import add_points
from tests.factories import AccountFactory, UserFactory

pytestmark = pytest.mark.django_db

BOM = b"\xef\xbb\xbf"
FORMULAS = ['=HYPERLINK("http://evil.example","x")', "+1+1", "-2+3", "@SUM(A1)", "\t=1", "\r=1"]


def _body(response) -> bytes:
    if response.streaming:
        return b"".join(response.streaming_content)
    return response.content


def _rows(response_or_body) -> list[list[str]]:
    body = response_or_body if isinstance(response_or_body, bytes) else _body(response_or_body)
    return list(csv.reader(io.StringIO(body.decode("utf-8-sig"))))


def _export(client, **filters):
    return client.get(reverse("accounts:export"), filters)


@pytest.mark.parametrize("formula", FORMULAS[:4])  # tag names are stripped of whitespace
def test_a_tag_that_looks_like_a_formula_is_exported_as_text(client, csm, formula):
    account = AccountFactory(name="Tagged Co")
    add_tag(account=account, tag=formula, cause=Cause.by_system())
    client.force_login(csm)

    [header, row] = _rows(_export(client))

    assert row[header.index("tags")] == "'" + formula


@pytest.mark.parametrize("formula", FORMULAS)
def test_an_account_name_that_looks_like_a_formula_is_exported_as_text(client, csm, formula):
    AccountFactory(name=formula)
    client.force_login(csm)

    [header, row] = _rows(_export(client))

    assert row[header.index("name")] == "'" + formula


def test_a_negative_score_stays_a_number(client, csm):
    account = AccountFactory()
    add_points(
        account=account,
        points=-5,
        reason="refund",
        source=ScoreSource.MANUAL,
        cause=Cause.by_system(),
    )
    client.force_login(csm)

    [header, row] = _rows(_export(client))

    assert row[header.index("score")] == "-5"


def test_the_accounts_export_is_utf8_with_a_bom(client, csm):
    AccountFactory(name="Müller & Søn GmbH")
    client.force_login(csm)

    response = _export(client)

    assert response["Content-Type"] == "text/csv; charset=utf-8"
    body = _body(response)
    assert body.startswith(BOM)
    assert "Müller & Søn GmbH".encode() in body


def test_a_report_csv_is_utf8_with_a_bom_and_exports_names_as_text(client, manager):
    assignee = UserFactory(username="eve", first_name="=cmd|' /C calc'!A0", last_name="Ødegård")
    task, _ = create_task(
        account=AccountFactory(),
        title="Call back",
        source=TaskSource.STAFF,
        assignee=assignee,
        cause=Cause.by_user(assignee),
    )
    resolve_task(task=task, cause=Cause.by_user(assignee))
    client.force_login(manager)

    response = client.get(reverse("reports:csv", args=["tasks-completed"]))

    assert response["Content-Type"] == "text/csv; charset=utf-8"
    body = _body(response)
    assert body.startswith(BOM)
    assert ["'=cmd|' /C calc'!A0 Ødegård", "1"] in _rows(body)
