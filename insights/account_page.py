"""What the account page shows, read in a fixed number of queries, and who may change what.

Shared by the page itself (insights.views.account_detail) and by its inline
actions (insights.account_actions), which render the same page with the
refused form and its errors when the input is bad.
"""

from dataclasses import dataclass, field
from urllib.parse import urlencode

from django.db.models import Exists, OuterRef
from django.http import HttpRequest
from django.urls import reverse

from accounts.forms import HealthStatusForm
from accounts.models import Account
from accounts.selectors import opt_outs_by_contact
from activity.forms import staff_users
from health.selectors import account_panel
from pipelines.models import Card, Pipeline, Stage
from pipelines.services import HEALTH_PIPELINE
from scoring.models import ScoreEntry
from workflows.enrollment import startable_playbooks
from workflows.selectors import explain_account

from .account_forms import (
    AccountTaskForm,
    ContactForm,
    NewContactForm,
    OwnerForm,
    StartPlaybookForm,
    TagForm,
)
from .timeline import GROUPS, Cursor

LEDGER_PAGE = 20
# The feed a CSM opens on: the customer's own activity and what changed on the
# account, without the team's alerts and the automation log (one click away).
DEFAULT_GROUPS = {"customer", "messages", "changes", "tasks", "work"}

# Which permission each inline action needs (accounts/roles.py gives them to roles).
ACTION_PERMISSIONS = {
    "owner": "accounts.assign_owner",
    "add_tag": "accounts.add_accounttag",
    "remove_tag": "accounts.delete_accounttag",
    "stage": "pipelines.change_card",
    "add_contact": "accounts.add_contact",
    "change_contact": "accounts.change_contact",
    "task": "activity.add_task",
    "health": "accounts.change_health_status",
}


def allowed_actions(user) -> dict[str, bool]:
    """What `user` may do on an account page, by action (also what the template shows)."""
    return {action: user.has_perm(perm) for action, perm in ACTION_PERMISSIONS.items()}


def may_start_playbooks(user, account: Account) -> bool:
    """ "Start playbook…": managers (who may act on runs), and the account's own CSM."""
    return user.has_perm("workflows.change_run") or (
        account.owner_id is not None and account.owner_id == user.pk
    )


def load_account(pk: int) -> Account:
    """The account with its tags and contacts, each read once for the whole page.

    Its cards are not prefetched: pipeline_rows reads where it sits on each board
    together with the boards' stages, and "Why" is handed that.
    """
    return Account.objects.select_related("owner").prefetch_related("tags", "contacts").get(pk=pk)


def timeline_groups(request: HttpRequest) -> set[str]:
    """The filter groups asked for (`?type=customer&type=runs`, or `all`); the default feed."""
    asked = request.GET.getlist("type")
    if "all" in asked:
        return set(GROUPS)
    chosen = {group for group in asked if group in GROUPS}
    return chosen or set(DEFAULT_GROUPS)


def timeline_query(groups: set[str]) -> str:
    """The querystring that keeps the chosen groups on "load older" (empty for the default)."""
    if groups == DEFAULT_GROUPS:
        return ""
    return urlencode([("type", group) for group in GROUPS if group in groups])


def timeline_url(account: Account, groups: set[str], before: Cursor | None = None) -> str:
    """Where the timeline's page in `groups` after `before` is read: the list items for
    htmx (the account page's placeholder, "load older"), the page around them otherwise."""
    query = [part for part in [timeline_query(groups)] if part]
    if before is not None:
        query.append(urlencode({"before": str(before)}))
    url = reverse("accounts:timeline", args=[account.pk])
    return f"{url}?{'&'.join(query)}" if query else url


def timeline_card(account: Account, groups: set[str], before: Cursor | None) -> dict:
    """What the timeline card's header renders (the type filters) and where its items load."""
    return {
        "groups": GROUPS,
        "chosen_groups": groups,
        "timeline_query": timeline_query(groups),
        "timeline_url": timeline_url(account, groups, before),
    }


def people_for(user, account: Account, can: dict[str, bool]) -> list:
    """Whom `user` may pick as owner or task assignee here: the team for a manager,
    else themselves and the account's owner (one query only for the manager)."""
    if can["owner"]:
        return list(staff_users())
    return [user] + ([account.owner] if account.owner and account.owner != user else [])


def cursor_from(request: HttpRequest, name: str) -> Cursor | None:
    """The keyset position in `?<name>=`; ValueError for one that is not ours."""
    text = request.GET.get(name, "")
    return Cursor.parse(text) if text else None


def ledger_page(account: Account, before: Cursor | None) -> tuple[list[ScoreEntry], Cursor | None]:
    """The newest score entries past `before` (one page plus a row to know if more follow)."""
    entries = ScoreEntry.objects.filter(account=account).select_related("cause_user")
    if before is not None:
        entries = entries.filter(before.older(0, "created_at"))
    rows = list(entries.order_by("-created_at", "-id")[: LEDGER_PAGE + 1])
    page = rows[:LEDGER_PAGE]
    more = len(rows) > LEDGER_PAGE and page
    return page, Cursor(page[-1].created_at, 0, page[-1].pk) if more else None


@dataclass
class PipelineRow:
    pipeline: Pipeline
    stages: list[Stage] = field(default_factory=list)
    current: Stage | None = None
    movable: bool = False


def pipeline_rows(account: Account, can: dict[str, bool]) -> list[PipelineRow]:
    """Every active board with the account's stage on it and whether this user may move it.

    One query for all stages of all boards, each marked if the account's card is in it.
    A column of the health board is the health status, which only managers set.
    """
    rows: dict[int, PipelineRow] = {}
    here = Card.objects.filter(account=account, stage=OuterRef("pk"))
    stages = (
        Stage.objects.filter(pipeline__is_active=True)
        .select_related("pipeline")
        .annotate(here=Exists(here))
        .order_by("pipeline__position", "pipeline__name", "position", "id")
    )
    for stage in stages:
        row = rows.setdefault(stage.pipeline_id, PipelineRow(stage.pipeline))
        row.stages.append(stage)
        if stage.here:
            row.current = stage
        health = stage.pipeline.key == HEALTH_PIPELINE
        row.movable = can["stage"] and (can["health"] or not health)
    return list(rows.values())


def account_context(request: HttpRequest, account: Account, **bound) -> dict:
    """Everything the page renders; `bound` replaces a blank form with a refused one."""
    can = allowed_actions(request.user)
    # The timeline's items are not read here: the card's placeholder fetches them from
    # accounts:timeline (a dozen sources, one query each, off the page's own cost).
    card = timeline_card(account, timeline_groups(request), cursor_from(request, "before"))
    # Everyone on the team for a manager's owner picker; a CSM's task goes to them or
    # the owner (the tasks page reassigns it), so their page reads no staff list.
    people = people_for(request.user, account, can)
    contacts = list(account.contacts.all())
    ledger, ledger_next = ledger_page(account, None)
    pipelines = pipeline_rows(account, can)
    stages = {row.pipeline.pk: row.current.pk for row in pipelines if row.current}
    context = {
        "account": account,
        "can": can,
        "contacts": opt_outs_by_contact(contacts),
        "pipelines": pipelines,
        "health_panel": account_panel(account),
        **card,
        "ledger": ledger,
        "ledger_next": ledger_next,
        # The ledger lists every score entry with its cause; "Why" explains the rest.
        "explanations": explain_account(account, score_entries=0, stages=stages),
        # An unassessed account preselects nothing: a stray Save must not fire b1.
        "health_form": HealthStatusForm(initial={"status": account.health_status}),
        "owner_form": OwnerForm(people=people, initial={"owner": account.owner_id}),
        "tag_form": TagForm(),
        "contact_form": NewContactForm(prefix="new-contact"),
        "contact_forms": {
            contact.pk: ContactForm(
                prefix=f"contact-{contact.pk}",
                initial={"name": contact.name, "email": contact.email, "phone": contact.phone},
            )
            for contact in contacts
        },
        "task_form": AccountTaskForm(people=people, prefix="task"),
        "can_start_playbook": may_start_playbooks(request.user, account),
        "playbook_form": StartPlaybookForm(playbooks=startable_playbooks(), prefix="playbook"),
        "open_form": "",
    }
    for name, form in bound.items():
        if name == "contact_forms":
            context["contact_forms"].update(form)
        else:
            context[name] = form
    forms = context.pop("contact_forms")
    context["contacts"] = [
        (contact, opt_outs, forms[contact.pk]) for contact, opt_outs in context["contacts"]
    ]
    return context
