"""A template e-mail from a queue row: preview it for the primary contact, then send it.

The preview is a GET (htmx draws it in the row; without JavaScript it is a page of its
own) and carries the send form with its one-time key; the send answers as every row
action does (`answers`).
"""

from django.contrib.auth.decorators import login_required, permission_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_POST

from .answers import WHERE, answer, back_to
from .emails import email_template, new_send_key, preview_email, send_template_email
from .views import signal_for


@login_required
@permission_required("workqueue.add_touch", raise_exception=True)
@require_GET
def email_preview(request: HttpRequest, pk: int) -> HttpResponse:
    """The chosen template rendered for this signal's primary contact, with a send button
    unless the contact cannot get it (no address, unsubscribed)."""
    signal = signal_for(request, pk)
    where = request.GET.get("where", "")
    context = {
        "signal": signal,
        "next": back_to(request) or reverse("home"),
        "where": where if where in WHERE else "mine",
    }
    status = 200
    try:
        template = email_template(request.GET.get("template", ""))
    except ValidationError as refusal:
        context["error"], status = " ".join(refusal.messages), 400
    else:
        context.update(
            template=template,
            composed=preview_email(signal=signal, template=template),
            send_key=new_send_key(),
        )
    page = "workqueue/_email_preview.html" if request.htmx else "workqueue/email.html"
    return render(request, page, context, status=status)


@login_required
@permission_required("workqueue.add_touch", raise_exception=True)
@require_POST
def email_send(request: HttpRequest, pk: int) -> HttpResponse:
    """Send the previewed e-mail once (its key); the row says to whom, or why not."""
    signal = signal_for(request, pk)
    fallback = reverse("workqueue:queue")
    try:
        template = email_template(request.POST.get("template", ""))
        sent = send_template_email(
            signal=signal,
            template=template,
            send_key=request.POST.get("send_key", ""),
            author=request.user,
        )
    except ValidationError as refusal:
        error = " ".join(refusal.messages)
        return answer(request, signal, error=error, status=400, fallback=fallback)
    if sent.refused:
        error = f"Not sent: {sent.refused}"
        return answer(request, signal, error=error, status=409, fallback=fallback)
    to = sent.message.contact.name if sent.message.contact else sent.message.recipient
    if sent.created:
        note = f"E-mail “{sent.message.subject}” queued for {to}."
    else:
        note = f"Already sent: “{sent.message.subject}” went to {to} once."
    return answer(request, signal, note=note, fallback=fallback)
