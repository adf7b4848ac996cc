"""Importing accounts and contacts from CSV, row by row, with a report.

Policy (stated in the README): each row is applied on its own, in its own
transaction, through the same services as everything else. A bad row is
reported with its line and reason and changes nothing; the good rows are
imported. Every row is an upsert keyed by the account's (and contact's)
external id, so importing the same file again changes nothing. A preview
runs the whole import and rolls it back.
"""

import csv
import io
from dataclasses import dataclass, field

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db import transaction

from core.causes import Cause
from core.inputs import decimal_or_refuse

from .models import Account, Plan
from .services import change_plan, sign_up_account, update_account, upsert_contact

REQUIRED = ("external_id", "name")
OPTIONAL = (
    "plan",
    "mrr",
    "owner_email",
    "timezone",
    "billing_customer_id",
    "contact_name",
    "contact_email",
    "contact_phone",
    "contact_external_id",
    "contact_primary",
)
MAX_ROWS = 50_000
MAX_BYTES = 20 * 1024 * 1024


class ImportFileError(Exception):
    """The file as a whole cannot be read (encoding, header, size)."""


@dataclass
class RowResult:
    line: int
    external_id: str
    outcome: str  # "created", "updated", "unchanged" or "error"
    message: str = ""


@dataclass
class ImportReport:
    rows: list[RowResult] = field(default_factory=list)
    applied: bool = False

    def count(self, outcome: str) -> int:
        return sum(row.outcome == outcome for row in self.rows)

    @property
    def errors(self) -> list[RowResult]:
        return [row for row in self.rows if row.outcome == "error"]

    def summary(self) -> str:
        counts = ", ".join(
            f"{self.count(o)} {o}" for o in ("created", "updated", "unchanged", "error")
        )
        return f"{len(self.rows)} rows: {counts}" + ("" if self.applied else " (preview)")


def read_rows(content: bytes) -> list[dict[str, str]]:
    """The CSV's rows as dicts, or ImportFileError saying what is wrong with the file."""
    if len(content) > MAX_BYTES:
        raise ImportFileError(f"The file is larger than {MAX_BYTES // 1024 // 1024} MB.")
    try:
        text = content.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise ImportFileError("The file is not UTF-8 text (save it as CSV UTF-8).") from None
    reader = csv.DictReader(io.StringIO(text))
    header = [name.strip() for name in reader.fieldnames or []]
    if not header:
        raise ImportFileError("The file is empty: the first line must name the columns.")
    missing = [name for name in REQUIRED if name not in header]
    if missing:
        raise ImportFileError(f"Missing column(s): {', '.join(missing)}.")
    unknown = [name for name in header if name not in REQUIRED + OPTIONAL]
    if unknown:
        raise ImportFileError(
            f"Unknown column(s): {', '.join(unknown)}. Known: {', '.join(REQUIRED + OPTIONAL)}."
        )
    reader.fieldnames = header
    rows = []
    try:
        for row in reader:
            if len(rows) >= MAX_ROWS:
                raise ImportFileError(f"More than {MAX_ROWS} rows; split the file.")
            rows.append({key: (value or "").strip() for key, value in row.items() if key})
    except csv.Error as error:
        raise ImportFileError(f"Line {reader.line_num}: {error}.") from None
    return rows


def import_accounts(*, content: bytes, user=None, apply: bool = True) -> ImportReport:
    """Import (or, with apply=False, preview) a CSV of accounts and their contacts."""
    rows = read_rows(content)
    cause = Cause.by_import(user, "CSV import")
    owners = {
        u.email.lower(): u
        for u in get_user_model().objects.filter(
            email__in={row.get("owner_email", "").lower() for row in rows} - {""}
        )
    }
    report = ImportReport(applied=apply)
    if apply:
        # Row by row, each committed on its own: no long write lock, nothing lost.
        for line, row in enumerate(rows, start=2):
            report.rows.append(_import_row(line, row, owners, cause))
        return report
    with transaction.atomic():
        for line, row in enumerate(rows, start=2):
            report.rows.append(_import_row(line, row, owners, cause))
        transaction.set_rollback(True)
    return report


def _import_row(line: int, row: dict[str, str], owners: dict, cause: Cause) -> RowResult:
    external_id = row.get("external_id", "")
    try:
        with transaction.atomic():
            outcome = _apply_row(row, owners, cause)
    except ValidationError as error:
        return RowResult(line, external_id, "error", " ".join(error.messages))
    return RowResult(line, external_id, outcome)


def _apply_row(row: dict[str, str], owners: dict, cause: Cause) -> str:
    # A blank plan or MRR keeps the account's own (a new account starts free at 0).
    plan = row.get("plan") or None
    mrr = decimal_or_refuse(row["mrr"], "mrr") if row.get("mrr") else None
    owner = None
    if row.get("owner_email"):
        owner = owners.get(row["owner_email"].lower())
        if owner is None:
            raise ValidationError(f"No staff member has the e-mail {row['owner_email']}.")
    existed = Account.objects.filter(external_id=row.get("external_id", "")).exists()
    account, created = sign_up_account(
        external_id=row.get("external_id", ""),
        name=row.get("name", ""),
        plan=plan or Plan.FREE,
        mrr=mrr or 0,
        owner=owner,
        cause=cause,
    )
    changed = created
    if not created:
        if plan or mrr is not None:
            changed |= change_plan(account=account, plan=plan or account.plan, mrr=mrr, cause=cause)
        details = {"name": row["name"]}
        if owner is not None:
            details["owner"] = owner
        changed |= bool(update_account(account=account, cause=cause, **details))
    extra = {k: row[k] for k in ("timezone", "billing_customer_id") if row.get(k)}
    if extra:
        changed |= bool(update_account(account=account, cause=cause, **extra))
    if row.get("contact_name") or row.get("contact_email"):
        _, contact_changed = upsert_contact(
            account=account,
            name=row.get("contact_name") or row.get("contact_email", ""),
            email=row.get("contact_email", ""),
            phone=row.get("contact_phone", ""),
            external_id=row.get("contact_external_id", ""),
            is_primary=row.get("contact_primary", "").lower() in {"1", "true", "yes", "y"},
            cause=cause,
        )
        changed |= contact_changed
    if not existed:
        return "created"
    return "updated" if changed else "unchanged"
