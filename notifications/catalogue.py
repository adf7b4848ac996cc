"""OpenCSM's default message texts, installed from files in `defaults/`.

The texts live as template files (diffable in git, editable in the admin
after install); `catalogue.json` lists each one's key, channel, audience and
whether it is transactional.
"""

import hashlib
import json
from pathlib import Path

DEFAULTS_DIR = Path(__file__).resolve().parent / "defaults"


def default_templates() -> list[dict]:
    """Every default template as model field values, in catalogue order."""
    entries = json.loads((DEFAULTS_DIR / "catalogue.json").read_text())
    templates = []
    for entry in entries:
        key = entry["key"]
        templates.append(
            {
                "key": key,
                "name": entry["name"],
                "channel": entry["channel"],
                "audience": entry["audience"],
                "transactional": entry.get("transactional", False),
                "priority": entry.get("priority", "nudge"),
                "staff_delivery": entry.get("delivery", "immediate"),
                "repeat_days": entry.get("repeat_days", 0),
                "repeat_scope": entry.get("repeat_scope", ""),
                "subject": _read(f"{key}.subject.txt").strip(),
                "body_text": _read(f"{key}.txt").strip() + "\n",
                "body_html": _read(f"{key}.html"),
            }
        )
    return templates


def install_default_templates(template_model) -> int:
    """Create each default template that is missing; never overwrite a manager's edits.

    Takes the model class so a migration can pass its historical model.
    Returns how many were created.
    """
    created = 0
    fields = {field.name for field in template_model._meta.get_fields()}
    for values in default_templates():
        values = {name: value for name, value in values.items() if name in fields}  # migrations
        _, was_created = template_model.objects.get_or_create(key=values["key"], defaults=values)
        created += was_created
    return created


def shipped_fingerprint(template) -> str:
    """A short hash of a template's texts (a row or a dict of field values).

    Equal to the fingerprint of a shipped text means nobody has edited it since.
    """
    get = template.get if isinstance(template, dict) else lambda field: getattr(template, field)
    texts = "\x00".join([get("subject"), get("body_text"), get("body_html")])
    return hashlib.sha256(texts.encode()).hexdigest()[:16]


def update_untouched_templates(template_model, shipped_before: dict[str, set[str]]) -> list[str]:
    """Give templates still exactly as an earlier version shipped them today's default texts.

    `shipped_before` maps a template key to the fingerprints of the texts that
    earlier versions installed; a template whose texts match none of them was
    edited by a manager and is left alone. Takes the model class so a migration
    can pass its historical model. Returns the keys updated.
    """
    defaults = {values["key"]: values for values in default_templates()}
    updated = []
    for template in template_model.objects.filter(key__in=shipped_before).order_by("key"):
        values = defaults.get(template.key)
        if values is None or shipped_fingerprint(template) not in shipped_before[template.key]:
            continue
        for field in ("subject", "body_text", "body_html"):
            setattr(template, field, values[field])
        template.save(update_fields=["subject", "body_text", "body_html", "updated_at"])
        updated.append(template.key)
    return updated


def _read(name: str) -> str:
    path = DEFAULTS_DIR / name
    return path.read_text() if path.exists() else ""
