"""The account page's inline actions: owner, tags, stages, contacts, a task.

Each is a plain POST (a redirect back to the page) that htmx enhances: the page
posts with hx-select, so the redirect's page replaces the account's section in
place. Each goes through the owning app's service, the same door the API, the
boards and the engine use, so history and playbooks follow as anywhere else.
Bad input renders the page again with the form's errors (400) and changes
nothing; a role without the permission gets 403 (and never sees the button).
"""

from collections.abc import Callable
from functools import wraps

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.forms import Form
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from accounts.models import Account, Contact, Tag
from accounts.services import add_tag, remove_tag, update_account, upsert_contact
from activity.forms import staff_users
from activity.models import TaskSource
from activity.services.tasks import create_task
from core.causes import Cause
from pipelines.models import Stage
from pipelines.services import move_card_by_hand
from workflows.enrollment import start_playbook, startable_playbooks

from .account_forms import (
    AccountTaskForm,
    ContactForm,
    NewContactForm,
    OwnerForm,
    StageForm,
    StartPlaybookForm,
    TagForm,
)
from .account_page import (
    ACTION_PERMISSIONS,
    account_context,
    allowed_actions,
    load_account,
    may_start_playbooks,
    people_for,
)
from .timeline_sources import person

TEMPLATE = "insights/account_detail.html"


def account_action(action: str) -> Callable:
    """A POST on one account by someone allowed `action`: the view gets the loaded account."""

    def decorate(view: Callable) -> Callable:
        @login_required
        @require_POST
        @wraps(view)
        def wrapper(request: HttpRequest, pk: int, **kwargs) -> HttpResponse:
            if not request.user.has_perm(ACTION_PERMISSIONS[action]):
                raise PermissionDenied
            try:
                account = load_account(pk)
            except Account.DoesNotExist:
                raise Http404("No such account.") from None
            return view(request, account, **kwargs)

        return wrapper

    return decorate


def _cause(request: HttpRequest) -> Cause:
    return Cause.by_user(request.user, "account page")


def _done(request: HttpRequest, account: Account, text: str) -> HttpResponse:
    """Back to the page; htmx swaps the changed section in, so no banner is needed there."""
    if not request.htmx:
        messages.success(request, text)
    return redirect("accounts:detail", pk=account.pk)


def _refused(
    request: HttpRequest, account: Account, name: str, form: Form, error=None, *, contact=None
) -> HttpResponse:
    """The page again with `form` (and the service's refusal) shown, open, where it was typed."""
    if error is not None:
        form.add_error(None, error)
    if contact is not None:
        context = account_context(request, account, contact_forms={contact.pk: form})
        context["open_form"] = f"contact-{contact.pk}"
    else:
        context = account_context(request, account, **{name: form})
        context["open_form"] = name
    return render(request, TEMPLATE, context, status=400)


@account_action("owner")
def change_owner(request: HttpRequest, account: Account) -> HttpResponse:
    """A manager hands the account to another CSM (or leaves it unassigned)."""
    form = OwnerForm(request.POST, people=staff_users())
    if not form.is_valid():
        return _refused(request, account, "owner_form", form)
    owner = form.cleaned_data["owner"]
    changed = update_account(account=account, owner=owner, cause=_cause(request))
    who = person(owner) if owner else "nobody"
    return _done(request, account, f"Owner set to {who}." if changed else "Owner unchanged.")


@account_action("add_tag")
def tag_add(request: HttpRequest, account: Account) -> HttpResponse:
    form = TagForm(request.POST)
    if not form.is_valid():
        return _refused(request, account, "tag_form", form)
    name = form.cleaned_data["name"]
    if (
        not request.user.has_perm("accounts.add_tag")
        and not Tag.objects.filter(name__iexact=" ".join(name.split())).exists()
    ):
        raise PermissionDenied("Only people who may create tags can add a new one.")
    try:
        added = add_tag(account=account, tag=name, cause=_cause(request))
    except ValidationError as error:
        return _refused(request, account, "tag_form", form, error)
    return _done(request, account, f"Tag {name} added." if added else f"Already tagged {name}.")


@account_action("remove_tag")
def tag_remove(request: HttpRequest, account: Account, tag_id: int) -> HttpResponse:
    tag = get_object_or_404(Tag, pk=tag_id)
    removed = remove_tag(account=account, tag=tag, cause=_cause(request))
    return _done(request, account, f"Tag {tag.name} removed." if removed else "Tag was not there.")


@account_action("stage")
def stage_move(request: HttpRequest, account: Account) -> HttpResponse:
    """Move the account's card on one board, as a drop on that board would."""
    form = StageForm(request.POST)
    stage = None
    if form.is_valid():
        stage = (
            Stage.objects.filter(pk=form.cleaned_data["stage"], pipeline__is_active=True)
            .select_related("pipeline")
            .first()
        )
        if stage is None:
            form.add_error("stage", "That stage is not on an active board.")
    if stage is None:
        return _refused(request, account, "stage_form", form)
    try:
        moved = move_card_by_hand(
            account=account,
            pipeline=stage.pipeline,
            stage=stage,
            user=request.user,
            cause=_cause(request),
            note="account page",
        )
    except ValidationError as error:
        return _refused(request, account, "stage_form", form, error)
    text = f"Moved to {stage.name} on {stage.pipeline.name}." if moved else "Already there."
    return _done(request, account, text)


@account_action("add_contact")
def contact_add(request: HttpRequest, account: Account) -> HttpResponse:
    form = NewContactForm(request.POST, prefix="new-contact")
    if form.is_valid():
        data = form.cleaned_data
        if data["email"] and account.contacts.filter(email__iexact=data["email"]).exists():
            form.add_error("email", "Another contact of this account already uses this e-mail.")
    if not form.is_valid():
        return _refused(request, account, "contact_form", form)
    try:
        contact, _ = upsert_contact(
            account=account,
            cause=_cause(request),
            name=data["name"],
            email=data["email"],
            phone=data["phone"],
            is_primary=data["is_primary"] or None,
        )
    except ValidationError as error:
        return _refused(request, account, "contact_form", form, error)
    return _done(request, account, f"Contact {contact.name} added.")


def _contact_of(account: Account, contact_id: int) -> Contact:
    return get_object_or_404(Contact, pk=contact_id, account=account)


@account_action("change_contact")
def contact_edit(request: HttpRequest, account: Account, contact_id: int) -> HttpResponse:
    contact = _contact_of(account, contact_id)
    form = ContactForm(request.POST, prefix=f"contact-{contact.pk}")
    if not form.is_valid():
        return _refused(request, account, "contact", form, contact=contact)
    data = form.cleaned_data
    try:
        _, changed = upsert_contact(
            account=account,
            cause=_cause(request),
            contact=contact,
            name=data["name"],
            email=data["email"],
            phone=data["phone"],
        )
    except ValidationError as error:
        return _refused(request, account, "contact", form, error, contact=contact)
    return _done(request, account, f"{data['name']} saved." if changed else "Nothing changed.")


@account_action("change_contact")
def contact_primary(request: HttpRequest, account: Account, contact_id: int) -> HttpResponse:
    """Make this contact the one customer messages go to (the owner is told)."""
    contact = _contact_of(account, contact_id)
    upsert_contact(account=account, cause=_cause(request), contact=contact, is_primary=True)
    return _done(request, account, f"{contact.name} is now the primary contact.")


@account_action("task")
def task_add(request: HttpRequest, account: Account) -> HttpResponse:
    """A task on this account; unassigned, it goes to the account's owner."""
    people = people_for(request.user, account, allowed_actions(request.user))
    form = AccountTaskForm(request.POST, people=people, prefix="task")
    if not form.is_valid():
        return _refused(request, account, "task_form", form)
    data = form.cleaned_data
    try:
        task, _ = create_task(
            account=account,
            title=data["title"],
            details=data["details"],
            priority=data["priority"],
            due_at=data["due_at"],
            assignee=data["assignee"],
            source=TaskSource.STAFF,
            cause=_cause(request),
        )
    except ValidationError as error:
        return _refused(request, account, "task_form", form, error)
    return _done(request, account, f"Task “{task.title}” created for {person(task.assignee)}.")


@login_required
@require_POST
def playbook_start(request: HttpRequest, pk: int) -> HttpResponse:
    """ "Start playbook…": a manager or the account's CSM enrolls it in one playbook, once."""
    try:
        account = load_account(pk)
    except Account.DoesNotExist:
        raise Http404("No such account.") from None
    if not may_start_playbooks(request.user, account):
        raise PermissionDenied("Only managers and the account's CSM start playbooks here.")
    form = StartPlaybookForm(request.POST, playbooks=startable_playbooks(), prefix="playbook")
    if not form.is_valid():
        return _refused(request, account, "playbook_form", form)
    workflow = form.cleaned_data["playbook"]
    try:
        started = start_playbook(
            workflow=workflow, account=account, user=request.user, note=form.cleaned_data["note"]
        )
    except ValidationError as error:
        return _refused(request, account, "playbook_form", form, error)
    if started.new:
        text = f"“{workflow.name}” started for {account.name}."
        if started.run is not None and started.run.status == "skipped":
            text = f"“{workflow.name}” did not start: its conditions do not hold (see the run)."
    else:
        when = started.run.created_at if started.run else None
        text = f"“{workflow.name}” was already started for this account" + (
            f" on {when:%d %b %Y %H:%M}." if when else "."
        )
    messages.success(request, text) if started.new else messages.info(request, text)
    return redirect("accounts:detail", pk=account.pk)
