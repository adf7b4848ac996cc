from pipelines.models import Pipeline


def test_new_install_has_the_five_default_pipelines(db):
    assert list(Pipeline.objects.values_list("name", flat=True)) == [
        "Subscription & Billing",
        "Customer Health Status",
        "User Milestone",
        "User Login Activity",
        "User Happiness Level",
    ]
