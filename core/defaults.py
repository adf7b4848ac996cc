"""Everything a new install starts with, installable again at any time.

The data migrations install these once; `install_defaults()` (and
`manage.py install_defaults`) puts back whatever is missing — after a test
flush, or when an admin deleted a default — and never overwrites an edit.
"""

from django.apps import apps

from accounts.roles import sync_roles
from activity.defaults import install_starter_features
from activity.models import Feature
from core.schedules import upsert_schedule
from notifications.catalogue import install_default_templates
from notifications.models import MessageTemplate
from pipelines.defaults import install_default_pipelines
from pipelines.models import Pipeline, Stage
from scoring.defaults import install_scoring_defaults
from scoring.models import MilestoneLevel, ScoringRules
from workflows.catalogue import install_playbooks
from workflows.models import Condition, Step, SweepRules, Workflow, WorkflowVersion
from workflows.sweeps import SWEEPS

SCHEDULES = [
    ("Outbox: deliver due messages", "notifications.tasks.deliver_due_messages", 1, ""),
    ("Workflows: resume due runs", "workflows.tasks.resume_due_runs", 1, ""),
    *[(s.name, "workflows.tasks.run_sweep", s.minutes, repr(s.run.__name__)) for s in SWEEPS],
]


def install_defaults() -> None:
    """Create every missing default row; leave existing ones as they are."""
    from django_q.models import Schedule

    sync_roles(apps)
    install_default_pipelines(Pipeline, Stage)
    install_scoring_defaults(ScoringRules, MilestoneLevel)
    install_starter_features(Feature)
    install_default_templates(MessageTemplate)
    install_playbooks(
        {
            "Workflow": Workflow,
            "Condition": Condition,
            "Step": Step,
            "WorkflowVersion": WorkflowVersion,
        }
    )
    SweepRules.objects.get_or_create(pk=1)
    for name, func, minutes, args in SCHEDULES:
        upsert_schedule(Schedule, name=name, func=func, minutes=minutes, args=args)
