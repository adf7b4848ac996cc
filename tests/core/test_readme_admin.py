"""The admin screens the README names ("Workflows › Sweep rules") exist and open for an admin.

The README is read as written: every "A › B" in it must be an admin app A with
a list B (the admin index's own headings), and a third part ("Accounts ›
Accounts › Import CSV") a link on that list. A renamed screen or a README that
promises one the admin lacks fails here, with the passage quoted.
"""

import re
from pathlib import Path

import pytest
from django.conf import settings
from django.contrib import admin
from django.urls import reverse

from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

README = Path(settings.BASE_DIR) / "README.md"
CRUMB = " › "


def _screens() -> dict[str, dict[str, str]]:
    """{app heading: {list heading: changelist URL}}, lower-cased, as the admin index shows them."""
    screens: dict[str, dict[str, str]] = {}
    for model in admin.site._registry:
        opts = model._meta
        url = reverse(f"admin:{opts.app_label}_{opts.model_name}_changelist")
        app = str(opts.app_config.verbose_name).lower()
        screens.setdefault(app, {})[str(opts.verbose_name_plural).lower()] = url
    return screens


def _readme_mentions() -> list[tuple[str, str, str, str]]:
    """(passage, app, list, link or "") for each "A › B [› C]" the README names."""
    text = re.sub(r"\s+", " ", README.read_text())
    screens = _screens()
    mentions = []
    links_at = set()  # where a " › " joins a list to a link on it (not a new mention)
    for match in re.finditer(CRUMB, text):
        if match.start() in links_at:
            continue
        # The app heading is the longest one the text before " › " ends with.
        before = text[: match.start()].lower()
        after = text[match.end() :]
        passage = text[max(0, match.start() - 40) : match.end() + 40]
        app = max((a for a in screens if before.endswith(a)), key=len, default="")
        if not app or before[-len(app) - 1 : -len(app)] not in ("", " ", "("):
            mentions.append((passage, "", "", ""))
            continue
        heading = max((h for h in screens[app] if after.lower().startswith(h)), key=len, default="")
        link = ""
        rest = after[len(heading) :]
        if heading and rest.startswith(CRUMB):
            links_at.add(match.end() + len(heading))
            link = re.match(r"[^,;.)]+", rest[len(CRUMB) :]).group(0).strip()
        mentions.append((passage, app, heading, link))
    return mentions


def test_the_readme_names_admin_screens():
    # Guards the parser: the README does name screens, so an empty list means it broke.
    assert len(_readme_mentions()) >= 4


def test_every_admin_screen_the_readme_names_opens_for_an_admin(client):
    client.force_login(UserFactory(username="root", is_superuser=True, is_staff=True))
    screens = _screens()
    wrong = []
    for passage, app, heading, link in _readme_mentions():
        if not (app and heading):
            wrong.append(f"no such admin screen: …{passage}…")
            continue
        page = client.get(screens[app][heading])
        if page.status_code != 200:
            wrong.append(f"{page.status_code}: …{passage}…")
        elif link and f">{link}</a>" not in page.content.decode():
            wrong.append(f"no “{link}” link: …{passage}…")
    assert not wrong, "\n".join(wrong)
