"""Every state change of an account, its tags, contacts and health: one door each.

Each function is atomic, records its cause in a history row, announces the
change after commit, and returns what changed, so repeating a call with the
same effect is a visible no-op rather than an error or a duplicate row. One
module per job (locks, signups, tags, statuses, plans, subscriptions,
contacts, optouts, updates); the doors are named here too, so `from accounts.services import
add_tag` keeps working for the many apps and inputs that call them.
"""

from .affiliates import record_affiliate_joined
from .checks import clean_external_id, require_same_account
from .contacts import upsert_contact
from .dates import set_account_date
from .locks import account_transaction, lock_account, lock_accounts, lock_accounts_named
from .optouts import opt_out_contact
from .plans import cancel_subscription, change_plan, reactivate_account
from .segments import delete_segment, save_segment
from .signups import ContactReport, SignUpOutcome, SignUpReport, sign_up_account, sign_up_accounts
from .statuses import change_happiness, change_health_status
from .subscriptions import SubscriptionOutcome, record_subscription
from .tags import add_tag, remove_tag, remove_tags, replace_tags, replace_tags_many
from .updates import EDITABLE_ACCOUNT_FIELDS, update_account

__all__ = [
    "EDITABLE_ACCOUNT_FIELDS",
    "ContactReport",
    "SignUpOutcome",
    "SignUpReport",
    "SubscriptionOutcome",
    "account_transaction",
    "add_tag",
    "cancel_subscription",
    "change_happiness",
    "change_health_status",
    "change_plan",
    "clean_external_id",
    "delete_segment",
    "lock_account",
    "lock_accounts",
    "lock_accounts_named",
    "opt_out_contact",
    "reactivate_account",
    "record_affiliate_joined",
    "record_subscription",
    "remove_tag",
    "remove_tags",
    "replace_tags",
    "replace_tags_many",
    "require_same_account",
    "save_segment",
    "set_account_date",
    "sign_up_account",
    "sign_up_accounts",
    "update_account",
    "upsert_contact",
]
