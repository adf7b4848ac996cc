"""Reading an import file: the whole file's problems first, then each row with its real line.

A spreadsheet user finds a row by its line number, so each row carries the
line it starts on (blank lines and quoted multi-line fields counted).
"""

import csv
import io
from dataclasses import dataclass

REQUIRED = ("external_id", "name")
OPTIONAL = (
    "plan",
    "mrr",
    "owner_email",
    "signed_up_at",
    "timezone",
    "billing_customer_id",
    "contact_name",
    "contact_email",
    "contact_phone",
    "contact_external_id",
    "contact_primary",
)
COLUMNS = REQUIRED + OPTIONAL
MAX_ROWS = 50_000
MAX_BYTES = 20 * 1024 * 1024


class ImportFileError(Exception):
    """The file as a whole cannot be read (encoding, header, size, no rows)."""


@dataclass(frozen=True)
class Row:
    line: int  # where the row starts in the file, header = line 1
    values: dict[str, str]
    # A problem found by reading the file (a repeated external id): the row is refused.
    problem: str = ""

    @property
    def external_id(self) -> str:
        return self.values.get("external_id", "")


def decode(content: bytes) -> str:
    """The file's text, or ImportFileError if it is too large or not UTF-8."""
    if len(content) > MAX_BYTES:
        raise ImportFileError(f"The file is larger than {MAX_BYTES // 1024 // 1024} MB.")
    if not content.strip():
        raise ImportFileError("The file is empty: the first line must name the columns.")
    try:
        return content.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise ImportFileError("The file is not UTF-8 text (save it as CSV UTF-8).") from None


def read_rows(text: str) -> list[Row]:
    """Every row of the CSV `text`, or ImportFileError saying what is wrong with the file.

    An external id seen on an earlier line is refused on the later one: two
    rows for one account would overwrite each other (and flip back and forth
    on every re-import).
    """
    lines = _LineCounter(text)
    reader = csv.reader(lines)
    try:
        header = [name.strip() for name in next(reader, [])]
    except csv.Error as error:
        raise ImportFileError(f"Line 1: {error}.") from None
    if not any(header):
        raise ImportFileError("The file is empty: the first line must name the columns.")
    missing = [name for name in REQUIRED if name not in header]
    if missing:
        raise ImportFileError(f"Missing column(s): {', '.join(missing)}.")
    unknown = [name for name in header if name and name not in COLUMNS]
    if unknown:
        raise ImportFileError(
            f"Unknown column(s): {', '.join(unknown)}. Known: {', '.join(COLUMNS)}."
        )
    rows: list[Row] = []
    first_line_of: dict[str, int] = {}
    while True:
        line = lines.consumed + 1
        try:
            cells = next(reader, None)
        except csv.Error as error:
            raise ImportFileError(f"Line {line}: {error}.") from None
        if cells is None:
            break
        if not any(cell.strip() for cell in cells):
            continue  # a blank line
        if len(rows) >= MAX_ROWS:
            raise ImportFileError(f"More than {MAX_ROWS:,} rows; split the file.")
        values = {name: cell.strip() for name, cell in zip(header, cells, strict=False) if name}
        external_id = values.get("external_id", "")
        problem = ""
        if external_id in first_line_of:
            problem = (
                f"External id {external_id!r} is already on line {first_line_of[external_id]} "
                "of this file; each account may appear once."
            )
        elif external_id:
            first_line_of[external_id] = line
        rows.append(Row(line=line, values=values, problem=problem))
    if not rows:
        raise ImportFileError("The file has a header but no rows to import.")
    return rows


class _LineCounter:
    """The text's lines for csv.reader, counting how many it has handed out."""

    def __init__(self, text: str) -> None:
        # newline="": lines end at \n, \r or \r\n only, as csv expects.
        self._lines = io.StringIO(text, newline="")
        self.consumed = 0

    def __iter__(self) -> "_LineCounter":
        return self

    def __next__(self) -> str:
        line = next(self._lines)
        self.consumed += 1
        return line
