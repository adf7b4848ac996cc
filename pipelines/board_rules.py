"""What a card dropped on a board means, one rule per default pipeline.

A column of a default board stands for a fact that tags and filters also show. A drop
must change that fact the way the automatic move does, or the board, the tags and the
account list's filters drift apart (a card in Inactive with no Inactive tag). So a
drop runs the same services as the playbook step that moves the card automatically:

- **Customer Health Status**: the health status (managers only); `services.move_card_by_hand`
  hands it to `change_health_status`, and playbook b1 follows.
- **User Login Activity**: *Inactive* tags the account Inactive (d1's tag and card),
  *Active* takes the tag off (d1's "login after inactivity"); the list's Inactive filter
  reads the tag.
- **Subscription & Billing**: *Subscription Failed* tags Payment Failed (e2), *Active
  Subscription* takes it off (e1), *Churned* cancels the subscription (e3: churned, no
  longer Active SaaS), *Active* tags Active SaaS (a1). A churned account is moved back
  only by a payment or a sign-up, never by a drop.
- **User Milestone** and **User Happiness Level** are refused: a milestone is reached
  by the score, happiness is the customer's own NPS answer.
- Any other pipeline (one you add) is a plain board: a drop moves the card, nothing else.
"""

from dataclasses import dataclass

from django.core.exceptions import ValidationError

from accounts.models import Account, Lifecycle
from accounts.services import add_tag, cancel_subscription, remove_tag
from core.causes import Cause

from .models import Pipeline, Stage


@dataclass(frozen=True)
class DropRule:
    """The tag changes (and churn) a drop on one column makes beside the card move."""

    add: tuple[str, ...] = ()
    remove: tuple[str, ...] = ()
    churn: bool = False


REFUSED = {
    "milestone": "Milestones follow the score; a card moves here when the account reaches one.",
    "happiness": "Happiness is the customer's own NPS answer; the card follows their feedback.",
}
RULES: dict[str, dict[str, DropRule]] = {
    "login_activity": {
        "Inactive": DropRule(add=("Inactive",)),
        "Active": DropRule(remove=("Inactive",)),
    },
    "subscription": {
        "Active": DropRule(add=("Active SaaS",)),
        "Active Subscription": DropRule(add=("Active SaaS",), remove=("Payment Failed",)),
        "Subscription Failed": DropRule(add=("Payment Failed",)),
        "Churned": DropRule(remove=("Active SaaS",), churn=True),
    },
}


def check_drop(*, account: Account, pipeline: Pipeline, stage: Stage) -> None:
    """Refuse (ValidationError) a drop the pipeline's rule does not allow."""
    if pipeline.key in REFUSED:
        raise ValidationError(REFUSED[pipeline.key], code="board_read_only")
    if (
        pipeline.key == "subscription"
        and account.lifecycle == Lifecycle.CHURNED
        and stage.name != "Churned"
    ):
        raise ValidationError(
            "This account churned; a payment or a new sign-up brings it back, not a drop.",
            code="churned",
        )


def apply_drop(*, account: Account, pipeline: Pipeline, stage: Stage, cause: Cause) -> None:
    """The tag changes and churn that `stage` stands for (each a no-op when already so).

    Called inside the card move's transaction, so card and tags commit together; the
    playbook that the change triggers (e3 after a churn) finds them done.
    """
    rule = RULES.get(pipeline.key, {}).get(stage.name)
    if rule is None:
        return
    if rule.churn:
        cancel_subscription(account=account, cause=cause)
    for tag in rule.add:
        add_tag(account=account, tag=tag, cause=cause)
    for tag in rule.remove:
        remove_tag(account=account, tag=tag, cause=cause)
