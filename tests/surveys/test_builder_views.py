"""The builder pages: managers build and edit surveys in the browser; CSMs only read."""

import pytest
from django.urls import reverse

from surveys.models import Survey

pytestmark = pytest.mark.django_db


def post_data(questions, **survey):
    data = {
        "name": "Onboarding",
        "key": "onboarding",
        "intro": "Hi",
        "thank_you": "Thanks",
        "q-TOTAL_FORMS": str(len(questions)),
        "q-INITIAL_FORMS": "0",
        "q-MIN_NUM_FORMS": "0",
        "q-MAX_NUM_FORMS": "1000",
        **survey,
    }
    for n, question in enumerate(questions):
        for name, value in question.items():
            if value is not False:
                data[f"q-{n}-{name}"] = "on" if value is True else value
    return data


EASE = {"label": "How easy?", "kind": "ces", "key": "ease", "required": True, "ORDER": "2"}
WHY = {"label": "Why?", "kind": "text", "key": "why", "required": False, "ORDER": "1"}


def test_a_manager_builds_a_survey_and_the_order_is_the_dragged_one(client, manager):
    client.force_login(manager)

    page = client.post(reverse("surveys:new"), post_data([EASE, WHY]))

    survey = Survey.objects.get(key="onboarding")
    assert page.status_code == 302
    assert page.url == reverse("surveys:results", args=[survey.pk])
    version = survey.versions.get()
    assert [(q.key, q.required) for q in version.questions.all()] == [
        ("why", False),
        ("ease", True),
    ]


def test_a_survey_without_questions_or_with_a_repeated_key_is_refused(client, manager):
    client.force_login(manager)

    empty = client.post(reverse("surveys:new"), post_data([]))
    twice = client.post(reverse("surveys:new"), post_data([EASE, {**WHY, "key": "ease"}]))
    bad_options = client.post(
        reverse("surveys:new"),
        post_data([{**WHY, "kind": "single", "choices": "Only one"}]),
    )

    assert empty.status_code == 400
    assert "at least one question" in empty.content.decode()
    assert twice.status_code == 400
    assert "share the key" in twice.content.decode()
    assert bad_options.status_code == 400
    assert "at least two options" in bad_options.content.decode()
    assert not Survey.objects.filter(key="onboarding").exists()


def test_a_removed_question_is_left_out(client, manager):
    client.force_login(manager)

    client.post(reverse("surveys:new"), post_data([EASE, {**WHY, "DELETE": True}]))

    assert [q.key for q in Survey.objects.get(key="onboarding").versions.get().questions.all()] == [
        "ease"
    ]


def test_the_edit_page_shows_the_current_questions(client, manager):
    client.force_login(manager)
    nps = Survey.objects.get(key="nps")

    page = client.get(reverse("surveys:edit", args=[nps.pk]))

    assert page.status_code == 200
    assert 'value="nps"' in page.content.decode()
    assert "vendor/sortablejs/Sortable.min.js" in page.content.decode()


def test_a_csm_reads_surveys_but_may_not_build_them(client, csm):
    client.force_login(csm)

    assert client.get(reverse("surveys:list")).status_code == 200
    assert client.get(reverse("surveys:new")).status_code == 403
    assert client.post(reverse("surveys:new"), post_data([EASE])).status_code == 403
    assert not Survey.objects.filter(key="onboarding").exists()


def test_the_survey_pages_need_a_login(client):
    assert client.get(reverse("surveys:list")).status_code == 302


def test_the_list_is_a_card_per_survey_on_a_phone(client, manager):
    client.force_login(manager)

    page = client.get(reverse("surveys:list")).content.decode()

    assert 'table-cards" data-testid="surveys"' in page
    for label in ("Key", "Sent", "Responses", "Response rate"):
        assert f'data-label="{label}"' in page
