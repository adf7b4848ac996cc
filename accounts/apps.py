from django.apps import AppConfig


class AccountsConfig(AppConfig):
    """Customer accounts, their contacts, tags and health."""

    name = "accounts"
    verbose_name = "Accounts"
