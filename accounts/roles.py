"""Staff roles (SPEC §1) as Django groups, and what each may do.

A role's permissions are listed here, in one place; `sync_roles` makes the
groups match (adding what is missing, removing what is no longer listed).
Apps that add models later add their permissions here and call `sync_roles`
from a migration of their own.
"""

from typing import Any

CSM = "CSM"
MANAGER = "Manager"
AFFILIATE_MANAGER = "Affiliate manager"
ADMIN = "Admin"

_VIEW_PORTFOLIO = [
    "accounts.view_account",
    "accounts.view_contact",
    "accounts.view_tag",
    "accounts.view_accounttag",
    "accounts.view_tagevent",
    "accounts.view_healthstatuschange",
    "accounts.view_happinesschange",
    "accounts.view_accountevent",
    "accounts.view_segment",
    "pipelines.view_pipeline",
    "pipelines.view_stage",
    "pipelines.view_card",
    "pipelines.view_stagemove",
    "scoring.view_scoreentry",
    "scoring.view_milestoneachievement",
    "scoring.view_milestonelevel",
    "scoring.view_scoringrules",
    "activity.view_feature",
    "activity.view_login",
    "activity.view_featuresession",
    "activity.view_payment",
    "activity.view_appointment",
    "activity.view_feedback",
    "activity.view_task",
    "activity.view_statuschange",
    "notifications.view_messagetemplate",
    "notifications.view_message",
    "notifications.view_alert",
    "notifications.view_outboxpolicy",
    "workflows.view_workflow",
    "workflows.view_condition",
    "workflows.view_step",
    "workflows.view_workflowversion",
    "workflows.view_run",
    "workflows.view_stepresult",
    "workflows.view_triggerevent",
    "workqueue.view_signal",
    "workqueue.view_signalevent",
    "workqueue.view_signaltype",
    "workqueue.view_touch",
    "health.view_healthmodel",
    "health.view_healthmodelversion",
    "health.view_accounthealth",
    "health.view_healthsnapshot",
    "health.view_healthoverride",
    "surveys.view_survey",
    "surveys.view_surveyresponse",
    "conversations.view_conversation",
    "conversations.view_message",
    "conversations.view_savedreply",
]

_WORK_ACCOUNTS = [
    "accounts.add_contact",
    "accounts.change_contact",
    "accounts.add_tag",
    "accounts.add_accounttag",
    "accounts.delete_accounttag",
    "accounts.add_segment",
    "pipelines.change_card",
    "activity.add_appointment",
    "activity.change_appointment",
    "activity.add_task",
    "activity.change_task",
    "workqueue.change_signal",
    "workqueue.add_touch",
    "conversations.change_conversation",
    "conversations.add_message",
]

_MANAGE = [
    "accounts.add_account",
    "accounts.change_account",
    "accounts.change_health_status",
    "accounts.assign_owner",
    "accounts.change_tag",
    "accounts.delete_contact",
    "accounts.change_segment",
    "accounts.delete_segment",
    "pipelines.add_pipeline",
    "pipelines.change_pipeline",
    "pipelines.add_stage",
    "pipelines.change_stage",
    "scoring.add_scoreentry",
    "scoring.change_scoringrules",
    "scoring.change_milestonelevel",
    "activity.add_feature",
    "activity.change_feature",
    "notifications.change_messagetemplate",
    "notifications.change_message",
    "notifications.add_outboxpolicy",
    "notifications.change_outboxpolicy",
    "workflows.change_workflow",
    "workflows.add_condition",
    "workflows.change_condition",
    "workflows.delete_condition",
    "workflows.add_step",
    "workflows.change_step",
    "workflows.delete_step",
    "workflows.change_run",
    "imports.add_importjob",
    "imports.view_importjob",
    "imports.view_importrowerror",
    "workqueue.change_signaltype",
    "workqueue.add_tasktemplate",
    "workqueue.change_tasktemplate",
    "workqueue.delete_tasktemplate",
    "workqueue.change_signalrules",
    "health.edit_health_model",
    "health.add_healthoverride",
    "surveys.add_survey",
    "surveys.change_survey",
    "conversations.add_savedreply",
    "conversations.change_savedreply",
    "conversations.delete_savedreply",
]

ROLE_PERMISSIONS: dict[str, list[str]] = {
    CSM: _VIEW_PORTFOLIO + _WORK_ACCOUNTS,
    MANAGER: _VIEW_PORTFOLIO + _WORK_ACCOUNTS + _MANAGE,
    AFFILIATE_MANAGER: [
        "accounts.view_account",
        "accounts.view_contact",
        "scoring.view_scoreentry",
        "scoring.view_milestoneachievement",
    ],
    ADMIN: ["*"],  # every permission, including users, groups and integrations
}


def sync_roles(apps: Any) -> None:
    """Make each role's group hold exactly its listed permissions that exist.

    Takes an app registry (a migration's historical `apps`, or
    `django.apps.apps`) and creates the permissions first, which Django
    otherwise only does after the whole `migrate` run.
    """
    from django.contrib.auth.management import create_permissions

    for app_config in apps.get_app_configs():
        # create_permissions skips app configs without a models module, which
        # a migration's historical app configs never have; lend one briefly.
        original = getattr(app_config, "models_module", None)
        app_config.models_module = original or True
        try:
            create_permissions(app_config, apps=apps, verbosity=0)
        finally:
            app_config.models_module = original

    group_model = apps.get_model("auth", "Group")
    permission_model = apps.get_model("auth", "Permission")
    every = {
        f"{app_label}.{codename}": pk
        for pk, app_label, codename in permission_model.objects.values_list(
            "pk", "content_type__app_label", "codename"
        )
    }
    for role, names in ROLE_PERMISSIONS.items():
        group, _ = group_model.objects.get_or_create(name=role)
        wanted = list(every.values()) if names == ["*"] else [every[n] for n in names if n in every]
        group.permissions.set(wanted)
