"""The diff a manager reads before publishing: each change in words, per path."""

from workflows.diff import compare

TAG = {"action": "add_tag", "params": {"tag": "VIP"}}
WAIT = {"action": "wait", "params": {"days": 2}}
MAIL = {"action": "send_email", "params": {"template": "a1-welcome"}}
PRO = {"subject": "account.plan", "operator": "eq", "value": "pro"}


def definition(steps, *, trigger="plan_changed", conditions=(), goal=None, params=None):
    return {
        "trigger": trigger,
        "trigger_params": params or {},
        "conditions": list(conditions),
        "steps": steps,
        "goal": goal or {},
    }


def decision(pro_steps, otherwise, *, name="Pro"):
    return {
        "action": "decision",
        "params": {
            "paths": [{"name": name, "conditions": [PRO], "steps": pro_steps}],
            "otherwise": otherwise,
        },
    }


def texts(old, new):
    return [(change.kind, change.text) for change in compare(old, new)]


def test_the_same_definition_has_no_changes():
    assert compare(definition([TAG, MAIL]), definition([TAG, MAIL])) == []


def test_an_added_and_a_removed_step_are_named_by_position_and_kind():
    assert texts(definition([TAG, MAIL]), definition([TAG, WAIT, MAIL])) == [
        ("added", "Step 2 added: Wait (days 2)."),
    ]
    assert texts(definition([TAG, WAIT, MAIL]), definition([TAG, MAIL])) == [
        ("removed", "Step 2 removed: Wait (days 2)."),
    ]


def test_a_step_with_other_parameters_is_changed_with_before_and_after():
    new_mail = {"action": "send_email", "params": {"template": "a2-tips", "throttle_days": 30}}

    assert texts(definition([TAG, MAIL]), definition([TAG, new_mail])) == [
        (
            "changed",
            "Step 2 (Send e-mail): template a1-welcome → a2-tips; throttle_days none → 30.",
        ),
    ]


def test_a_step_of_another_kind_says_what_it_was_and_is():
    assert texts(definition([TAG]), definition([MAIL])) == [
        ("changed", "Step 1: Add tag (tag VIP) → Send e-mail (template a1-welcome)."),
    ]


def test_trigger_conditions_and_goal_changes_are_sentences():
    old = definition([TAG], conditions=[PRO])
    new = definition(
        [TAG],
        trigger="login_recorded",
        conditions=[{"subject": "account.score", "operator": "gte", "value": "50"}],
        goal={"event": "payment_succeeded"},
    )

    assert texts(old, new) == [
        ("changed", "Trigger: “Plan changed” → “Login”."),
        ("removed", "Condition removed: Plan equals Pro."),
        ("added", "Condition added: Score is at least 50."),
        ("changed", "Goal: none → Payment succeeded."),
    ]


def test_changes_inside_a_decision_are_named_by_their_path():
    old = definition([decision([TAG], [])])
    new = definition([decision([TAG, MAIL], [WAIT], name="Pro plan")])

    assert texts(old, new) == [
        ("changed", "Step 1, path 1: renamed “Pro” → “Pro plan”."),
        ("added", "Step 1.1.2 added: Send e-mail (template a1-welcome)."),
        ("added", "Step 1.2.1 added: Wait (days 2)."),
    ]


def test_without_a_live_version_everything_is_added():
    assert texts(None, definition([TAG])) == [
        ("changed", "Trigger: none → “Plan changed”."),
        ("added", "Step 1 added: Add tag (tag VIP)."),
    ]


def test_conditions_and_lists_read_with_the_editors_labels_not_keys():
    struggling = {"subject": "data.to_status", "operator": "eq", "value": "struggling"}
    plans = {"subject": "account.plan", "operator": "in", "value": "pro,business"}
    replacing = {"action": "add_tag", "params": {"tag": "Struggling", "replaces": ["Healthy"]}}
    was = {**replacing, "params": {**replacing["params"], "replaces": ["Thriving", "Healthy"]}}

    assert texts(definition([was]), definition([replacing], conditions=[struggling, plans])) == [
        ("added", "Condition added: To status equals Struggling."),
        ("added", "Condition added: Plan is one of Pro, Business."),
        ("changed", "Step 1 (Add tag): replaces Thriving, Healthy → Healthy."),
    ]


def test_a_trigger_subject_and_an_account_field_that_read_alike_are_still_two_conditions():
    of_account = {"subject": "account.milestone", "operator": "eq", "value": "pro"}
    of_trigger = {"subject": "data.milestone", "operator": "eq", "value": "pro"}

    assert texts(
        definition([TAG], conditions=[of_account]), definition([TAG], conditions=[of_trigger])
    ) == [
        ("removed", "Condition removed: Milestone equals Pro."),
        ("added", "Condition added: Milestone equals Pro."),
    ]
