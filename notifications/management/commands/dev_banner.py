"""`manage.py dev_banner --url …`: how to reach a development install, printed by `make run`.

`make run` prints it once the server answers, so it is the last thing on a quiet
console: the address, the demo log-in and where messages go instead of leaving
(the development mail folder, which this app owns; hence the command lives here).
"""

from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand
from django.urls import reverse

from ... import mail_folder
from ...models import Channel


class Command(BaseCommand):
    help = "Print the address, the demo log-in and where e-mail and SMS go."

    def add_arguments(self, parser) -> None:
        parser.add_argument("--url", default="http://127.0.0.1:8000", help="Where the server is.")

    def handle(self, *args, url: str, **options) -> None:
        url = url.rstrip("/")
        lines = [
            "",
            f"OpenCSM on {url} - log in as admin / {settings.DEMO_PASSWORD}",
            "(also manager / csm / affiliate with the same password). Ctrl-C stops both.",
        ]
        kept = " and ".join(Channel(channel).label for channel in mail_folder.kept_channels())
        if kept:
            lines.append(
                f"{kept} are not sent: each is kept in {_shown(mail_folder.folder())}/ "
                f"(as admin: {url}{reverse('devmail:list')})."
            )
        else:
            lines.append("E-mail and SMS are sent for real (EMAIL_URL, SMS_BACKEND).")
        lines += ["Only warnings are printed here; LOG_LEVEL=INFO make run shows each task.", ""]
        self.stdout.write("\n".join(lines))


def _shown(path: Path) -> str:
    """The folder relative to the checkout when it is inside it, as a developer types it."""
    try:
        return str(path.relative_to(settings.BASE_DIR))
    except ValueError:
        return str(path)
