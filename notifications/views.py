"""Public pages a customer reaches from a message (no staff login)."""

from django.http import HttpRequest, HttpResponse, HttpResponseBadRequest
from django.shortcuts import render
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods, require_POST

from accounts.services import opt_out_contact
from core.causes import Cause

from .links import contact_for_unsubscribe_token


@require_http_methods(["GET", "POST"])
def unsubscribe(request: HttpRequest, token: str) -> HttpResponse:
    """Ask the contact to confirm (GET), then opt them out of non-transactional e-mail (POST).

    A confirmation step, because mail scanners follow links in e-mails.
    """
    contact = contact_for_unsubscribe_token(token)
    if contact is None:
        return render(request, "notifications/unsubscribe_invalid.html", status=400)
    if request.method == "POST":
        opt_out_contact(contact=contact, email=True, cause=Cause.by_customer("unsubscribe link"))
        return render(request, "notifications/unsubscribed.html", {"contact": contact})
    return render(request, "notifications/unsubscribe_confirm.html", {"contact": contact})


# Mail clients' one-click unsubscribe (RFC 8058) POSTs without a CSRF token;
# the signed token is the authorisation and opting out is idempotent.
@csrf_exempt
@require_POST
def unsubscribe_one_click(request: HttpRequest, token: str) -> HttpResponse:
    """Opt out at once when a mail client's "Unsubscribe" button posts here."""
    contact = contact_for_unsubscribe_token(token)
    if contact is None or request.POST.get("List-Unsubscribe") != "One-Click":
        return HttpResponseBadRequest("Invalid unsubscribe request.")
    opt_out_contact(contact=contact, email=True, cause=Cause.by_customer("one-click unsubscribe"))
    return HttpResponse("Unsubscribed.", content_type="text/plain")
