"""Event keys computed in SQL, for sweeps that record every due account in one INSERT … SELECT."""

from django.db.models import CharField, Value
from django.db.models.functions import Cast, Concat


def account_key(prefix: str = "", suffix: str = "") -> Concat:
    """An event key `<prefix><account id><suffix>`, in SQL over the account row."""
    parts = [Value(prefix)] if prefix else []
    parts += [Cast("pk", CharField()), Value(suffix)]
    return Concat(*parts, output_field=CharField())


def account_window_key(*, window: int) -> Concat:
    """One event per account and window (`<account id>:<window>`), in SQL."""
    return account_key(suffix=f":{window}")
