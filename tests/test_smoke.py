from django.urls import reverse

from pipelines.models import Pipeline


def test_new_install_has_the_five_default_pipelines(db):
    assert list(Pipeline.objects.values_list("name", flat=True)) == [
        "Subscription & Billing",
        "Customer Health Status",
        "User Milestone",
        "User Login Activity",
        "User Happiness Level",
    ]


def test_home_page_needs_a_login(client, db):
    response = client.get(reverse("home"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))
