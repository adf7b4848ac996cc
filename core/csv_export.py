"""CSV files for spreadsheets: the one way every export writes them.

Served as `text/csv; charset=utf-8` with a byte-order mark, which is how Excel knows the
file is UTF-8 (without it, names with accents come out garbled). Text that a spreadsheet
would run as a formula (a cell starting with = + - @ tab or CR: OWASP's "CSV injection")
gets a leading single quote; numbers are written as they are, so -5 stays a number.
"""

import csv
from collections.abc import Iterable, Iterator, Sequence
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from django.http import StreamingHttpResponse

CONTENT_TYPE = "text/csv; charset=utf-8"
BYTE_ORDER_MARK = "\ufeff"
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def spreadsheet_cell(value: Any) -> Any:
    """`value` as a cell no spreadsheet runs: "" for None, numbers as they are,
    text starting like a formula prefixed with a single quote."""
    if value is None:
        return ""
    if isinstance(value, int | float | Decimal) and not isinstance(value, bool):
        return value
    if isinstance(value, datetime | date):
        return value.isoformat()
    text = str(value)
    return "'" + text if text.startswith(FORMULA_STARTS) else text


class _Echo:
    """A file-like object whose write hands the line back, so rows can be streamed."""

    def write(self, line: str) -> str:
        return line


def csv_response(
    *, filename: str, header: Sequence[str], rows: Iterable[Sequence[Any]]
) -> StreamingHttpResponse:
    """A CSV download of `header` then `rows`, streamed (any number of rows, flat memory);
    every cell goes through `spreadsheet_cell`."""
    writer = csv.writer(_Echo())

    def lines() -> Iterator[str]:
        yield BYTE_ORDER_MARK + writer.writerow([spreadsheet_cell(name) for name in header])
        for row in rows:
            yield writer.writerow([spreadsheet_cell(value) for value in row])

    response = StreamingHttpResponse(lines(), content_type=CONTENT_TYPE)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response
