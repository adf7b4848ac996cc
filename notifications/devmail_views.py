"""The Development mail page: what the development backends kept instead of sending.

Admins only (the Admin role's `view_development_mail`), and only while a
development backend is in use: with real SMTP and SMS there is nothing to show,
so the page is not there (404).
"""

from django.contrib.auth.decorators import login_required, permission_required
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render

from . import mail_folder

PAGE_SIZE = 25


def _require_folder_in_use() -> None:
    if not mail_folder.in_use():
        raise Http404("E-mail and SMS are sent for real here; no development mail is kept.")


@login_required
@permission_required("notifications.view_development_mail", raise_exception=True)
def development_mail(request: HttpRequest) -> HttpResponse:
    """Every kept e-mail and SMS, newest first, 25 a page; htmx gets the list alone."""
    _require_folder_in_use()
    page = Paginator(mail_folder.newest_first(), PAGE_SIZE).get_page(request.GET.get("page"))
    page.object_list = [m for m in map(mail_folder.read, page.object_list) if m is not None]
    context = {"page": page, "folder": mail_folder.folder()}
    template = "notifications/_devmail_list.html" if request.htmx else "notifications/devmail.html"
    return render(request, template, context)


@login_required
@permission_required("notifications.view_development_mail", raise_exception=True)
def development_message(request: HttpRequest, name: str) -> HttpResponse:
    """One kept message, as its recipient would read it."""
    _require_folder_in_use()
    message = mail_folder.read(name)
    if message is None:
        raise Http404("No such message in the development mail folder.")
    return render(request, "notifications/devmail_message.html", {"message": message})
