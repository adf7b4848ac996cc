"""Writing to the customer in the chat (conversations): the step "Send a chat message"."""

from django.core.exceptions import ValidationError

from accounts.models import Contact
from conversations.models import MESSAGE_MAX_LENGTH
from conversations.services import post_playbook_message

from .base import StepContext
from .params import Params


def send_chat_message(ctx: StepContext, params: dict) -> str:
    """Write `text` (placeholders filled) into the contact's open conversation, once per step.

    The primary contact unless `contact` names one (e.g. `data.contact_id`, the customer
    who wrote); a conversation is started if they have none open.
    """
    contact = None
    if params.get("contact"):
        contact = Contact.objects.filter(
            pk=ctx.value(params["contact"]), account=ctx.account
        ).first()
        if contact is None:
            return f"Skipped: the contact this step names ({params['contact']}) is gone."
    try:
        posted = post_playbook_message(
            account=ctx.current_account(),
            contact=contact,
            body=ctx.text(params["text"]),
            dedupe_key=ctx.key,
            cause=ctx.cause,
        )
    except ValidationError as refused:
        if refused.code == "no_contact":
            return "Skipped: the account has no contact to write to."
        raise
    said = "Wrote" if posted.created else "Already wrote"
    return f"{said} in the chat to {posted.message.conversation.contact.name}."


def check(params: dict) -> None:
    """`text` (placeholders allowed); optionally `contact`."""
    read = Params(params, allowed=["text", "contact"])
    read.text("text", max_length=MESSAGE_MAX_LENGTH, required=True, template=True)
    read.reference("contact")
    read.done()


# The step names nothing that must exist (a missing contact is skipped at run time).
validate = check
