"""New default texts reach existing installs only where nobody edited the template."""

import importlib

import pytest

from notifications.catalogue import (
    default_templates,
    shipped_fingerprint,
    update_untouched_templates,
)
from notifications.models import MessageTemplate

pytestmark = pytest.mark.django_db

DEFAULTS = {values["key"]: values for values in default_templates()}
MIGRATION = importlib.import_module("notifications.migrations.0004_update_untouched_default_texts")


def as_shipped_before(key: str) -> MessageTemplate:
    """The template as an older version installed it: another text, never edited."""
    template = MessageTemplate.objects.get(key=key)
    template.body_text = "Hi {{ recipient.first_name }}, the old text.\n"
    template.save()
    return template


def test_a_template_still_as_shipped_gets_the_new_default_text():
    old = as_shipped_before("a1-welcome")

    updated = update_untouched_templates(
        MessageTemplate, {"a1-welcome": {shipped_fingerprint(old)}}
    )

    assert updated == ["a1-welcome"]
    old.refresh_from_db()
    assert old.body_text == DEFAULTS["a1-welcome"]["body_text"]
    assert "links.request" in old.body_text


def test_a_template_a_manager_edited_is_left_alone():
    shipped = as_shipped_before("a1-welcome")
    fingerprint = shipped_fingerprint(shipped)
    shipped.body_text = "Our own welcome, {{ recipient.first_name }}.\n"
    shipped.save()

    assert update_untouched_templates(MessageTemplate, {"a1-welcome": {fingerprint}}) == []

    shipped.refresh_from_db()
    assert shipped.body_text == "Our own welcome, {{ recipient.first_name }}.\n"


def test_the_migration_lists_templates_whose_default_text_really_changed():
    for key, fingerprints in MIGRATION.SHIPPED_BEFORE.items():
        assert key in DEFAULTS
        assert shipped_fingerprint(DEFAULTS[key]) not in fingerprints, key
    # A fresh install already has the new texts: the migration finds nothing to do.
    assert update_untouched_templates(MessageTemplate, MIGRATION.SHIPPED_BEFORE) == []
