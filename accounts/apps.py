from django.apps import AppConfig
from django.db.models.signals import post_migrate


class AccountsConfig(AppConfig):
    """Customer accounts, their contacts, tags and health."""

    name = "accounts"
    verbose_name = "Accounts"

    def ready(self) -> None:
        # Keep the role groups complete after every migrate: the Admin role
        # holds every permission, including those of models added later.
        post_migrate.connect(_sync_roles, sender=self, dispatch_uid="accounts.sync_roles")

    def install_defaults(self) -> None:
        """The role groups with their permissions (core.defaults.install_defaults)."""
        _sync_roles(sender=self)


def _sync_roles(sender, apps=None, **kwargs) -> None:
    # `flush` sends post_migrate without a migration state: use the live registry.
    from django.apps import apps as live_apps

    from .roles import sync_roles

    sync_roles(apps or live_apps)
