from django.apps import AppConfig


class WorkflowsConfig(AppConfig):
    """The automation engine: triggers, workflows as data, and their runs.

    Its models arrive with the workflow-engine issue; the domain services
    already announce every change it will react to (the apps' signals.py).
    """

    name = "workflows"
    verbose_name = "Workflows"
