"""Staff roles installed on a new install, and what each may do."""

import pytest
from django.contrib.auth.models import Group

from accounts.roles import ROLE_PERMISSIONS, sync_roles

pytestmark = pytest.mark.django_db


def test_the_four_staff_roles_exist():
    assert set(Group.objects.values_list("name", flat=True)) >= {
        "CSM",
        "Manager",
        "Affiliate manager",
        "Admin",
    }


def test_only_managers_change_health_status_by_hand(csm, manager, affiliate_manager):
    assert manager.has_perm("accounts.change_health_status")
    assert not csm.has_perm("accounts.change_health_status")
    assert not affiliate_manager.has_perm("accounts.change_health_status")


def test_csms_work_their_accounts_but_do_not_edit_scoring_rules(csm):
    assert csm.has_perm("activity.add_task")
    assert csm.has_perm("pipelines.change_card")
    assert not csm.has_perm("scoring.change_scoringrules")
    assert not csm.has_perm("scoring.add_scoreentry")


def test_every_listed_permission_exists():
    """A typo in roles.py would silently grant nothing; catch it here."""
    from django.contrib.auth.models import Permission

    existing = {
        f"{app}.{codename}"
        for app, codename in Permission.objects.values_list("content_type__app_label", "codename")
    }
    listed = {name for names in ROLE_PERMISSIONS.values() for name in names if name != "*"}
    assert listed - existing == set()


def test_syncing_roles_again_changes_nothing():
    from django.apps import apps

    before = {g.name: set(g.permissions.values_list("pk", flat=True)) for g in Group.objects.all()}
    sync_roles(apps)
    after = {g.name: set(g.permissions.values_list("pk", flat=True)) for g in Group.objects.all()}
    assert before == after


def test_roles_survive_a_post_migrate_without_a_migration_state():
    """`manage.py flush` sends post_migrate with no `apps`; roles must still sync."""
    from accounts.apps import _sync_roles

    _sync_roles(sender=None)
    assert (
        Group.objects.get(name="Manager")
        .permissions.filter(codename="change_health_status")
        .exists()
    )
