"""Which model scores an account (#20): its segment's model, else its plan's, else the
default; a segment that no longer applies is passed over, and the page says so."""

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from accounts.models import Segment, Tag
from accounts.services import add_tag
from accounts.services.segments import save_segment
from core.causes import Cause
from health.models import AccountHealth
from health.scoring import ModelPicker, score_accounts
from health.services.models import publish_model
from health.services.snapshots import score_due_accounts
from tests.factories import AccountFactory

pytestmark = pytest.mark.django_db
BY = Cause.by_system("test")


@pytest.fixture
def vip(db, manager):
    """A segment of the accounts tagged VIP, and a model bound to it."""
    tag = Tag.objects.create(name="VIP")
    segment = save_segment(
        name="Big customers", filters={"tag": str(tag.pk)}, owner=manager, is_shared=True
    )
    return segment


def _publish(name, default_model, **binding):
    definition = default_model.current_version.definition
    return publish_model(name=name, definition=definition, cause=BY, **binding)


def test_segment_over_plan_over_default(now, default_model, vip, manager):
    by_segment = _publish("Enterprise model", default_model, segment=vip)
    by_plan = _publish("Pro model", default_model, plans=["pro"])
    in_segment = AccountFactory(plan="pro")
    add_tag(account=in_segment, tag="VIP", cause=BY)
    on_plan, other = AccountFactory(plan="pro"), AccountFactory(plan="free")

    score_due_accounts()

    assert AccountHealth.objects.get(account=in_segment).version == by_segment
    assert AccountHealth.objects.get(account=on_plan).version == by_plan
    assert AccountHealth.objects.get(account=other).version == default_model.current_version


def test_the_account_page_says_which_model_scored_it(client, csm, now, default_model, vip):
    version = _publish("Enterprise model", default_model, segment=vip)
    _publish("Enterprise model", default_model, segment=vip, model=version.model, plans=["pro"])
    account = AccountFactory(owner=csm, plan="free")
    add_tag(account=account, tag="VIP", cause=BY)
    score_due_accounts()
    client.force_login(csm)

    html = client.get(reverse("accounts:detail", args=[account.pk])).content.decode()

    assert "Scored by ‘Enterprise model’ v2 (for the segment “Big customers”)" in html


def test_a_segment_that_no_longer_applies_falls_back_and_says_so(
    client, csm, now, default_model, vip
):
    _publish("Enterprise model", default_model, segment=vip)
    by_plan = _publish("Pro model", default_model, plans=["pro"])
    account = AccountFactory(owner=csm, plan="pro")
    add_tag(account=account, tag="VIP", cause=BY)
    # Its tag is gone since (merged away, say): the saved filter names a tag that is not.
    Segment.objects.filter(pk=vip.pk).update(filters={"tag": "999999"})

    picker = ModelPicker()
    scored = score_accounts([(account.pk, "pro")], as_of=now_time())

    assert scored[0].version_id == by_plan.pk
    assert "Big customers" in picker.skipped["Enterprise model"]
    score_due_accounts()
    client.force_login(csm)
    html = client.get(reverse("accounts:detail", args=[account.pk])).content.decode()
    assert "Scored by ‘Pro model’ v1 (for the Pro plan)" in html
    assert "‘Enterprise model’ is not used: its segment “Big customers” no longer applies" in html


def test_binding_an_invalid_segment_is_refused(now, default_model, vip):
    Segment.objects.filter(pk=vip.pk).update(filters={"tag": "999999"})
    vip.refresh_from_db()
    with pytest.raises(ValidationError, match="no longer applies"):
        _publish("Enterprise model", default_model, segment=vip)


def _picker_queries(scope=None) -> int:
    with CaptureQueriesContext(connection) as captured:
        ModelPicker(scope)
    return len(captured)


def test_picking_costs_three_queries_whatever_the_accounts(now, default_model, vip, manager):
    _publish("Enterprise model", default_model, segment=vip)
    other = save_segment(name="Pro", filters={"plan": "pro"}, owner=manager, is_shared=True)
    _publish("Pro segment model", default_model, segment=other)
    few = [AccountFactory(plan="pro") for _ in range(2)]
    for account in few:
        add_tag(account=account, tag="VIP", cause=BY)
    small = _picker_queries()
    for _ in range(10):
        add_tag(account=AccountFactory(plan="pro"), tag="VIP", cause=BY)

    # The models, the lookup that checks the saved tag still exists, and every
    # segment's members at once.
    assert _picker_queries() == small == 3
    assert _picker_queries([a.pk for a in few]) == 3
    picker = ModelPicker()
    # In both segments: the model first by name wins.
    assert picker.for_account(few[0].pk, "pro").model.name == "Enterprise model"


def now_time():
    from core import clock

    return clock.now()


def _as_post(response) -> dict:
    """The edit page's forms as a browser would send them unchanged."""
    data = {}
    ctx = response.context
    for form in [ctx["form"], *ctx["factors"], *ctx["bands"]]:
        for name in form.fields:
            value = form[name].value()
            if value is None:
                continue
            data[form.add_prefix(name)] = value
    for formset in [ctx["factors"], ctx["bands"]]:
        management = formset.management_form
        for name in management.fields:
            data[management.add_prefix(name)] = management[name].value()
    return data


def test_a_manager_binds_a_model_to_a_segment_in_the_editor(
    client, manager, now, default_model, vip
):
    version = _publish("Enterprise model", default_model)
    url = reverse("health:model", args=[version.model_id])
    client.force_login(manager)
    data = _as_post(client.get(url))

    data["segment"] = str(vip.pk)
    assert client.post(url, data).status_code == 302
    version.model.refresh_from_db()
    assert version.model.segment == vip
    assert version.model.current_version.number == 2

    data["segment"] = "999999"  # no such segment: refused, nothing changed
    assert client.post(url, data).status_code == 400
    version.model.refresh_from_db()
    assert version.model.current_version.number == 2
