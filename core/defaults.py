"""Everything a new install starts with, installable again at any time.

The data migrations install the defaults once; `install_defaults()` (and
`manage.py install_defaults`) puts back whatever is missing — after a test
flush, or when an admin deleted a default — and never overwrites an edit.

The kernel does not know what the defaults are: each app that has some says
so with an `install_defaults()` method on its AppConfig, and they run in
INSTALLED_APPS order (roles, pipelines, scoring, features, playbooks, texts).
"""

from django.apps import apps


def install_defaults() -> None:
    """Create every missing default row of every app; leave existing ones as they are."""
    for config in apps.get_app_configs():
        install = getattr(config, "install_defaults", None)
        if install is not None:
            install()
