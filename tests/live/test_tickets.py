"""Tickets: signed, expiring, naming their topics; anything else is refused."""

from datetime import timedelta

import pytest
import time_machine
from django.core import signing
from django.test import override_settings

from core.live import (
    CLOSE_BAD_TICKET,
    CLOSE_EXPIRED,
    CLOSE_NO_TICKET,
    TicketRefused,
    read_ticket,
    ticket,
)


def test_a_ticket_reads_back_its_topics_and_party():
    read = read_ticket(ticket(["conversation:1", "inbox:user:2"], party="user:2"))

    assert read.topics == ("conversation:1", "inbox:user:2")
    assert read.party == "user:2"


@pytest.mark.parametrize(
    ("raw", "code"),
    [
        (None, CLOSE_NO_TICKET),
        ("", CLOSE_NO_TICKET),
        ("not-a-ticket", CLOSE_BAD_TICKET),
        (signing.dumps({"t": ["a"], "p": "user:1", "x": 2**40}), CLOSE_BAD_TICKET),  # no salt
        (signing.dumps({"t": "a", "p": "user:1", "x": 2**40}, salt="core.live.ticket"), 4401),
    ],
    ids=["none", "empty", "garbage", "other-salt", "topics-not-a-list"],
)
def test_missing_forged_and_malformed_tickets_are_refused(raw, code):
    with pytest.raises(TicketRefused) as refused:
        read_ticket(raw)

    assert refused.value.code == code


def test_a_ticket_signed_with_another_key_is_forged():
    with override_settings(SECRET_KEY="another-installation"):
        foreign = ticket(["a"], party="user:1")

    with pytest.raises(TicketRefused) as refused:
        read_ticket(foreign)
    assert refused.value.code == CLOSE_BAD_TICKET


def test_a_tampered_ticket_is_forged():
    raw = ticket(["a"], party="user:1")
    tampered = raw[:5] + ("A" if raw[5] != "A" else "B") + raw[6:]

    with pytest.raises(TicketRefused) as refused:
        read_ticket(tampered)
    assert refused.value.code == CLOSE_BAD_TICKET


def test_a_ticket_expires():
    raw = ticket(["a"], party="user:1", expires_in=timedelta(minutes=5))

    with time_machine.travel(timedelta(minutes=6)), pytest.raises(TicketRefused) as refused:
        read_ticket(raw)
    assert refused.value.code == CLOSE_EXPIRED
    assert read_ticket(raw).topics == ("a",)  # still good before then


@pytest.mark.parametrize("topics", [[], "a", ["a", ""], ["x" * 201], [1]])
def test_a_ticket_needs_a_list_of_topics(topics):
    with pytest.raises(ValueError, match="topic"):
        ticket(topics, party="user:1")


def test_a_ticket_needs_a_party():
    with pytest.raises(ValueError, match="party"):
        ticket(["a"], party="")
