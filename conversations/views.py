"""The staff's Conversations page and thread view: reply, assign, close, saved replies."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required, permission_required
from django.core.exceptions import ObjectDoesNotExist, ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_POST

from core.causes import Cause

from . import threads
from .context import account_context
from .forms import AssignForm, ReplyForm
from .models import Conversation, SavedReply
from .selectors import BOXES, STATUSES, conversation_list, thread_messages
from .serializers import author_name
from .services import post_staff_reply
from .tickets import ticket_for_staff

PAGE_SIZE = 25


def _conversation(pk: int) -> Conversation:
    try:
        return Conversation.objects.select_related(
            "account__owner", "account__health", "contact", "assignee"
        ).get(pk=pk)
    except ObjectDoesNotExist:
        raise Http404("No such conversation.") from None


@login_required
@permission_required("conversations.view_conversation", raise_exception=True)
@require_GET
def conversation_list_view(request: HttpRequest) -> HttpResponse:
    """Mine (assigned to me, or unassigned on my accounts), unassigned or all; open or closed."""
    box = request.GET.get("box") if request.GET.get("box") in BOXES else "mine"
    status = request.GET.get("status") if request.GET.get("status") in STATUSES else "open"
    threads_ = conversation_list(user=request.user, box=box, status=status)
    page = Paginator(threads_, PAGE_SIZE).get_page(request.GET.get("page"))
    context = {
        "box": box,
        "boxes": BOXES,
        "status": status,
        "statuses": STATUSES,
        "page": page,
        "live": ticket_for_staff(request.user),
    }
    template = (
        "conversations/_conversation_table.html"
        if request.htmx
        else "conversations/conversation_list.html"
    )
    return render(request, template, context)


def _thread_page(
    request: HttpRequest, conversation: Conversation, form: ReplyForm, status: int = 200
) -> HttpResponse:
    context = {
        "conversation": conversation,
        "thread": [(m, author_name(m)) for m in thread_messages(conversation)],
        "form": form,
        "assign_form": AssignForm(initial={"assignee": conversation.assignee_id}),
        "saved_replies": list(SavedReply.objects.all()),
        "side": account_context(conversation.account),
        "live": ticket_for_staff(request.user, conversation),
    }
    return render(request, "conversations/thread.html", context, status=status)


@login_required
@permission_required("conversations.view_conversation", raise_exception=True)
@require_GET
def thread(request: HttpRequest, pk: int) -> HttpResponse:
    """The thread with the account beside it; opening it marks it read for the team."""
    conversation = _conversation(pk)
    threads.mark_read_by_staff(conversation=conversation)
    return _thread_page(request, conversation, ReplyForm())


@login_required
@permission_required("conversations.add_message", raise_exception=True)
@require_POST
def reply(request: HttpRequest, pk: int) -> HttpResponse:
    conversation = _conversation(pk)
    form = ReplyForm(request.POST)
    if form.is_valid():
        try:
            post_staff_reply(
                conversation=conversation,
                user=request.user,
                body=form.cleaned_data["body"],
                cause=Cause.by_user(request.user, "chat reply"),
            )
        except ValidationError as refused:
            form.add_error("body", refused.messages[0])
        else:
            return redirect("conversations:thread", pk=pk)
    return _thread_page(request, conversation, form, status=400)


@login_required
@permission_required("conversations.change_conversation", raise_exception=True)
@require_POST
def assign(request: HttpRequest, pk: int) -> HttpResponse:
    conversation = _conversation(pk)
    form = AssignForm(request.POST)
    if not form.is_valid():
        messages.error(request, "Choose someone on the team.")
    elif threads.assign(conversation=conversation, assignee=form.cleaned_data["assignee"]):
        who = form.cleaned_data["assignee"]
        messages.success(
            request, f"Assigned to {who.get_full_name() or who.username}." if who else "Unassigned."
        )
    return redirect("conversations:thread", pk=pk)


@login_required
@permission_required("conversations.change_conversation", raise_exception=True)
@require_POST
def close(request: HttpRequest, pk: int) -> HttpResponse:
    conversation = _conversation(pk)
    if threads.close(conversation=conversation):
        messages.success(request, "Conversation closed.")
    return redirect("conversations:thread", pk=pk)


@login_required
@permission_required("conversations.change_conversation", raise_exception=True)
@require_POST
def reopen(request: HttpRequest, pk: int) -> HttpResponse:
    conversation = _conversation(pk)
    try:
        if threads.reopen(conversation=conversation):
            messages.success(request, "Conversation reopened.")
    except ValidationError as refused:
        messages.error(request, refused.messages[0])
    return redirect("conversations:thread", pk=pk)


@login_required
@require_GET
def unread_badge(request: HttpRequest) -> HttpResponse:
    """The navbar's count of my unread threads, loaded after the page (costs pages nothing)."""
    count = (
        threads.unread_for_staff(request.user)
        if request.user.has_perm("conversations.view_conversation")
        else 0
    )
    return render(request, "conversations/_unread_badge.html", {"unread_conversations": count})
