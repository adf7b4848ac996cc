"""`manage.py install_defaults` puts back every app's missing defaults, and keeps edits.

core knows no app's defaults: each app's AppConfig.install_defaults() installs its
own, so an app that stops offering them fails here.
"""

from io import StringIO

import pytest
from django.contrib.auth.models import Group
from django.core.management import call_command
from django_q.models import Schedule

from activity.models import Feature
from notifications.models import MessageTemplate
from pipelines.models import Pipeline
from scoring.models import MilestoneLevel, ScoringRules
from workflows.models import SweepRules, Workflow

pytestmark = pytest.mark.django_db

DEFAULTS = [Group, Pipeline, MilestoneLevel, ScoringRules, Feature, Workflow, SweepRules]
DEFAULTS += [MessageTemplate, Schedule]


def counts() -> dict[str, int]:
    return {model.__name__: model.objects.count() for model in DEFAULTS}


def test_every_deleted_default_comes_back():
    installed = counts()
    for model in DEFAULTS:
        model.objects.all().delete()

    call_command("install_defaults", stdout=StringIO())

    assert counts() == installed
    assert Schedule.objects.filter(name="Outbox: deliver due messages").exists()
    assert Schedule.objects.filter(name="Workflows: resume due runs").exists()
    assert Schedule.objects.filter(name="Imports: resume").exists()


def test_an_edited_default_is_left_as_it_is():
    Pipeline.objects.filter(key="health").update(name="Customer health")

    call_command("install_defaults", stdout=StringIO())

    assert Pipeline.objects.get(key="health").name == "Customer health"
