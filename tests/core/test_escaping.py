"""Undoing Django's HTML escaping in rows written as plain text (the data repairs)."""

import pytest
from django.utils.html import escape

from core.causes import Cause
from core.escaping import repair_escaped_fields, undo_html_escape
from scoring.models import ScoreEntry, ScoreSource
from scoring.services import add_points
from tests.factories import AccountFactory


@pytest.mark.parametrize(
    "typed", ["O'Brien & Sons", 'a "quoted" <b>word</b>', "already &lt;escaped&gt;", "&copy; 2025"]
)
def test_undo_html_escape_gives_back_exactly_what_was_escaped(typed):
    assert undo_html_escape(escape(typed)) == typed


def test_undo_html_escape_leaves_other_entities_alone():
    assert undo_html_escape("&copy; &nbsp; &#39;") == "&copy; &nbsp; &#39;"


@pytest.mark.django_db
def test_the_ledger_repair_fixes_workflow_reasons_and_leaves_typed_ones_alone(by_manager):
    account = AccountFactory()
    by_run = Cause.by_workflow_run(3, "c1, step 2")
    for number, (reason, cause) in enumerate(
        [
            ("8.0 min in Q&amp;A board", by_run),
            ("Payment 42", by_run),
            ("R&amp;D credit", by_manager),
        ]
    ):
        add_points(
            account=account,
            points=10,
            reason=reason,
            source=ScoreSource.MANUAL,
            cause=cause,
            idempotency_key=f"k{number}",
        )

    changed = repair_escaped_fields(ScoreEntry.objects.filter(cause_kind="workflow"), ["reason"])

    assert changed == 1
    assert sorted(ScoreEntry.objects.values_list("reason", flat=True)) == [
        "8.0 min in Q&A board",
        "Payment 42",
        "R&amp;D credit",
    ]
