"""Each step kind's parameters: what is refused, and how the refusal reads.

The editor, the admin, the playbook import and the engine all ask these same rules
(their own tests show each path); here, one refusal per rule, as a manager reads it.
"""

import pytest
from django.core.exceptions import ValidationError

from workflows.actions import ACTIONS

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("action", "params", "error"),
    [
        ("wait", {}, "A wait needs minutes, hours or days."),
        ("wait", {"minutes": 0}, "A wait needs minutes, hours or days."),
        ("wait", {"hours": 8760, "minutes": 1}, "A wait is at most 365 days."),
        ("wait", {"weeks": 2}, "Unknown parameter `weeks`: this action takes `minutes`, `hours`"),
        ("wait", {"days": -1}, "`days` is from 0 to 365."),
        ("send_email", {"template": 5}, "`template` is text, not 5."),
        ("send_email", {"template": "e3-winback", "links": ["x"]}, "`links` maps link names"),
        ("send_email", {"template": "e3-winback", "contact": True}, "`contact` is `data.<key>`"),
        ("send_email", {"template": "e1-payment-receipt-sms"}, "There is no message template"),
        ("send_sms", {"template": "e3-winback"}, "not a customer SMS"),
        ("notify_staff", {"template": "e3-churn-alert", "rule": "moon"}, "`rule` is one of"),
        (
            "notify_staff",
            {"template": "e3-churn-alert", "rule": "role"},
            "Missing parameter(s): role.",
        ),
        (
            "notify_staff",
            {"template": "e3-churn-alert", "rule": "role", "role": "Astronauts"},
            "There is no role 'Astronauts'.",
        ),
        (
            "notify_staff",
            {"template": "e3-churn-alert", "rule": "user", "user": 999999},
            "There is no user #999999.",
        ),
        ("add_tag", {"tag": "x" * 81}, "`tag` is at most 80 characters."),
        ("add_tag", {"tag": "   "}, "Missing parameter(s): tag."),
        ("add_tag", {"tag": "On {{ data.feature_name|shout }}"}, "`tag` is not a valid text"),
        ("add_tag", {"tag": "VIP", "replaces": "Gold"}, "`replaces` is a list of names"),
        ("remove_tag", {"tag": "VIP", "replaces": ["Gold"]}, "Unknown parameter `replaces`"),
        ("move_to_stage", {"pipeline": 5, "stage": "Active"}, "`pipeline` is text, not 5."),
        ("add_points", {"points": True}, "`points` is a whole number, not true."),
        ("add_points", {"points": 0}, "`points` is a non-zero whole number."),
        ("add_points", {"points": 10**6}, "`points` is from -100,000 to 100,000."),
        ("add_points", {"points": 5, "points_from": "payment_points"}, "not both"),
        ("add_points", {"points_from": "luck"}, "`points_from` is one of"),
        ("set_happiness", {"level": ["happy"]}, "`level` is one of"),
        ("create_task", {"title": "Call", "due_in_days": 1.5}, "`due_in_days` is a whole number"),
        ("create_task", {"title": "Call", "details": "x" * 10_001}, "at most 10,000 characters"),
        ("create_task", {"title": "Call", "priority": "asap"}, "`priority` is one of"),
    ],
)
def test_a_step_kind_refuses_bad_parameters_with_a_readable_reason(action, params, error):
    with pytest.raises(ValidationError) as refused:
        ACTIONS[action].validate(params)

    assert any(error in message for message in refused.value.messages), refused.value.messages


def test_every_refusal_of_a_step_is_reported_at_once():
    with pytest.raises(ValidationError) as refused:
        ACTIONS["create_task"].validate({"details": 5, "priority": "asap", "due_in_days": -1})

    assert refused.value.messages == [
        "Missing parameter(s): title.",
        "`details` is text, not 5.",
        '`priority` is one of low, normal, high, not "asap".',
        "`due_in_days` is from 0 to 365.",
    ]


@pytest.mark.parametrize("action", list(ACTIONS))
def test_each_step_kinds_example_passes_the_checks_the_engine_makes(action):
    ACTIONS[action].check(ACTIONS[action].example)


def test_a_send_step_with_its_own_repeat_limit_is_refused_and_points_to_the_template():
    with pytest.raises(ValidationError, match="its template's rule now"):
        ACTIONS["send_email"].validate({"template": "c1-feature-tips", "throttle_days": 30})
