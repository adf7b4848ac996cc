"""OpenCSM's default message texts, installed from files in `defaults/`.

The texts live as template files (diffable in git, editable in the admin
after install); `catalogue.json` lists each one's key, channel, audience and
whether it is transactional.
"""

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
    for values in default_templates():
        _, was_created = template_model.objects.get_or_create(key=values["key"], defaults=values)
        created += was_created
    return created


def _read(name: str) -> str:
    path = DEFAULTS_DIR / name
    return path.read_text() if path.exists() else ""
