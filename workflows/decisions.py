"""Which path a decision step takes: the first whose conditions all hold, else
"otherwise", with each tested path's conditions and what they saw (the run log's
"why"). Pure reading: the engine (one run) and workflows.batches (many at once)
record the choice and move the runs."""

from accounts.models import Account

from .conditions import TAG_OPERATORS, evaluate


def decide(params: dict, *, account: Account, data: dict) -> tuple[int, list[dict], str]:
    """Which path a decision takes: (its index, each tested path's conditions, in words)."""
    tags = _tags_if_tested(account, params["paths"])
    account = _with_fields_tested(account, params["paths"])
    return choose(params, account=account, data=data, tags=tags)


def choose(
    params: dict, *, account: Account, data: dict, tags: set[str], memberships=None
) -> tuple[int, list[dict], str]:
    """`decide` with the account's tested fields and its tags (casefolded) read already
    (a batch reads them for all its runs in one query each, and segment memberships
    for all of them: conditions.Memberships)."""
    reasons = []
    for index, option in enumerate(params["paths"]):
        held, decisions = evaluate(
            option["conditions"], account=account, data=data, tags=tags, memberships=memberships
        )
        name = option.get("name") or f"path {index + 1}"
        reasons.append({"path": index, "name": name, "taken": held, "conditions": decisions})
        if held:
            return index, reasons, f"Took “{name}”: {_why(decisions)}."
    otherwise = len(params["paths"])
    return otherwise, reasons, "Took “otherwise”: no path's conditions all held."


def _tags_if_tested(account: Account, options: list[dict]) -> set[str]:
    """The account's tags (one query), only if some path tests them."""
    if not tags_tested(options):
        return set()
    return {name.casefold() for name in account.tags.values_list("name", flat=True)}


def tags_tested(options: list[dict]) -> bool:
    """Whether some path of a decision tests the account's tags."""
    return any(c["operator"] in TAG_OPERATORS for o in options for c in o["conditions"])


def fields_tested(options: list[dict]) -> set[str]:
    """The account fields a decision's paths test."""
    return {
        c["subject"].partition(".")[2]
        for o in options
        for c in o["conditions"]
        if c.get("subject", "").startswith("account.")
    }


def _with_fields_tested(account: Account, options: list[dict]) -> Account:
    """The account with the fields the paths test read in one query (the run's account
    holds only its id: each field would otherwise be its own query)."""
    names = fields_tested(options)
    if not names:
        return account
    return Account.objects.only("pk", *names).get(pk=account.pk)


def _why(decisions: list[dict]) -> str:
    return "; ".join(
        f"{d.get('subject') or 'tags'} {d['operator']} {d.get('value', '')}: saw {d['seen']!r}"
        for d in decisions
    )
