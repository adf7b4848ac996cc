"""`manage.py simulate --account ID --days 30 [--workflow KEY [--draft]] [--replay 90]`.

Prints what the playbooks would do for one account, day by day, on a virtual
clock; nothing is kept, sent or queued (workflows.simulation).
"""

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from accounts.models import Account
from workflows.models import Workflow
from workflows.simulation import simulate
from workflows.simulation.catalogue import draft_of, find_account
from workflows.simulation.text import as_text


class Command(BaseCommand):
    help = "Dry-run the playbooks for one account on a virtual clock; changes nothing."

    def add_arguments(self, parser) -> None:
        parser.add_argument("--account", required=True, help="The account's number or external id.")
        parser.add_argument("--days", type=int, default=30, help="How many days ahead (1–90).")
        parser.add_argument("--workflow", help="Only this workflow (its key).")
        parser.add_argument("--draft", action="store_true", help="The workflow's draft.")
        parser.add_argument(
            "--replay", type=int, metavar="DAYS", help="Replay the last DAYS of history instead."
        )
        parser.add_argument("--no-bodies", action="store_true", help="Leave out message texts.")

    def handle(self, *args, **options) -> None:
        account = _account(options["account"])
        workflow = None
        draft = None
        if options["workflow"]:
            workflow = Workflow.objects.filter(key=options["workflow"]).first()
            if workflow is None:
                raise CommandError(f"There is no workflow {options['workflow']!r}.")
            if options["draft"]:
                draft = draft_of(workflow)
                if draft is None:
                    raise CommandError(
                        f"{workflow.name} has no draft: leave out --draft to simulate its "
                        "latest version."
                    )
        elif options["draft"]:
            raise CommandError("--draft needs --workflow.")
        try:
            result = simulate(
                account,
                days=options["days"],
                workflow=workflow,
                draft=draft,
                replay_days=options["replay"],
            )
        except ValidationError as error:
            raise CommandError(" ".join(error.messages)) from None
        self.stdout.write(as_text(result, bodies=not options["no_bodies"]), ending="")


def _account(value: str) -> Account:
    found = find_account(value)
    if found is None:
        raise CommandError(f"There is no account {value!r}.")
    return found
